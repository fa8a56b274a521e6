/**
 * A signed note or checkpoint cannot be trusted: it is malformed, carries no signature by the
 * expected key, or a signature by that key does not verify.
 */
export class NoteVerificationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'NoteVerificationError'
  }
}
