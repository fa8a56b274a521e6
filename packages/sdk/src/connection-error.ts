/**
 * The server could not be reached, or the connection broke, on every attempt. It is not an
 * AppError: no server answered, so there is no error code; the last network error is the `cause`.
 */
export class ConnectionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ConnectionError'
  }
}
