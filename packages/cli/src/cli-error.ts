/** An expected failure of a command that is not the server's doing; its message is shown as is. */
export class CliError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'CliError'
  }
}

/** Ends the command with this exit status and no message: `provena run` exits with its child's status. */
export class ExitStatus extends Error {
  constructor(readonly exitCode: number) {
    super(`exit status ${exitCode}`)
    this.name = 'ExitStatus'
  }
}
