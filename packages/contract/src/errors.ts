/** Stable machine-readable error codes shared by the server, the SDK and the CLI. */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'UNAUTHENTICATED',
  'PERMISSION_DENIED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'INTERNAL',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

/** Base class of every expected failure; `code` is stable, `message` is for humans. */
export class AppError extends Error {
  readonly code: ErrorCode

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}

/** The request is malformed or breaks a rule about its content. */
export class InvalidInputError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_INPUT', message, options)
  }
}

/** No valid credentials were presented. */
export class UnauthenticatedError extends AppError {
  constructor(message = 'authentication required', options?: { cause?: unknown }) {
    super('UNAUTHENTICATED', message, options)
  }
}

/** The principal is known but may not do this. */
export class PermissionDeniedError extends AppError {
  constructor(message = 'permission denied', options?: { cause?: unknown }) {
    super('PERMISSION_DENIED', message, options)
  }
}

/** The named object does not exist (or is not visible to the caller). */
export class NotFoundError extends AppError {
  /** `new NotFoundError('run', id)` says "run 'id' not found"; with one argument it is the message. */
  constructor(kindOrMessage: string, id?: string, options?: { cause?: unknown }) {
    super('NOT_FOUND', id === undefined ? kindOrMessage : `${kindOrMessage} '${id}' not found`, options)
  }
}

/** An object with the same unique name or id exists already. */
export class AlreadyExistsError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ALREADY_EXISTS', message, options)
  }
}

/** The request conflicts with the current state of the object. */
export class ConflictError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFLICT', message, options)
  }
}

/** The request body or batch is larger than the server accepts. */
export class PayloadTooLargeError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PAYLOAD_TOO_LARGE', message, options)
  }
}

/** Too many requests in a short time. */
export class RateLimitedError extends AppError {
  constructor(message = 'too many requests', options?: { cause?: unknown }) {
    super('RATE_LIMITED', message, options)
  }
}

/** An unexpected failure on the server; details are in the server log. */
export class InternalError extends AppError {
  constructor(message = 'internal error', options?: { cause?: unknown }) {
    super('INTERNAL', message, options)
  }
}

/** Rebuilds the typed error from an `{ error: { code, message } }` body, e.g. in the SDK. */
export function errorFromBody(code: string, message: string): AppError {
  switch (code) {
    case 'INVALID_INPUT':
      return new InvalidInputError(message)
    case 'UNAUTHENTICATED':
      return new UnauthenticatedError(message)
    case 'PERMISSION_DENIED':
      return new PermissionDeniedError(message)
    case 'NOT_FOUND':
      return new NotFoundError(message)
    case 'ALREADY_EXISTS':
      return new AlreadyExistsError(message)
    case 'CONFLICT':
      return new ConflictError(message)
    case 'PAYLOAD_TOO_LARGE':
      return new PayloadTooLargeError(message)
    case 'RATE_LIMITED':
      return new RateLimitedError(message)
    default:
      return new InternalError(message)
  }
}
