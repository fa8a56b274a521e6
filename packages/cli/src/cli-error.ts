/** An expected failure of a command that is not the server's doing; its message is shown as is. */
export class CliError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'CliError'
  }
}
