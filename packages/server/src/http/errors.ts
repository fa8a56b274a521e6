import { AppError, type ErrorCode } from '@provena/contract'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'

/** The one table of HTTP statuses for the native API's typed errors. */
const nativeStatus: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
}

/** Fastify's own failures that are the client's fault, mapped to our codes. */
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_INPUT',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_INPUT',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_INPUT',
  FST_ERR_VALIDATION: 'INVALID_INPUT',
}

interface ValidationIssue {
  instancePath?: string
  message?: string
  params?: { issue?: { path?: PropertyKey[]; message?: string } }
}

function describeValidation(error: FastifyError): string {
  const issues = (error.validation ?? []) as ValidationIssue[]
  const where = error.validationContext ?? 'request'
  const parts = issues.slice(0, 5).map((issue) => {
    const path =
      issue.params?.issue?.path?.map(String).join('.') ?? issue.instancePath?.replace(/^\//, '').replaceAll('/', '.')
    return `${path ? `${where}.${path}` : where}: ${issue.message ?? 'invalid'}`
  })
  return parts.length > 0 ? `invalid ${where}: ${parts.join('; ')}` : error.message
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string'
}

// Headers a file download sets before its stream starts; they would misdescribe an error body.
const DOWNLOAD_HEADERS = ['content-length', 'content-range', 'content-disposition', 'etag', 'accept-ranges']

/** Renders any thrown error as `{ error: { code, message } }` with the fitting status. */
export function renderError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  for (const header of DOWNLOAD_HEADERS) reply.removeHeader(header)
  reply.type('application/json; charset=utf-8')
  if (error instanceof AppError) {
    return reply.code(nativeStatus[error.code]).send({ error: { code: error.code, message: error.message } })
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    return reply.code(400).send({ error: { code: 'INVALID_INPUT', message: describeValidation(error) } })
  }
  if (isFastifyError(error)) {
    const code = fastifyCodes[error.code]
    if (code) return reply.code(nativeStatus[code]).send({ error: { code, message: error.message } })
    if (error.statusCode === 415) {
      return reply.code(415).send({ error: { code: 'INVALID_INPUT', message: error.message } })
    }
  }
  request.log.error({ err: error }, 'unhandled error')
  return reply.code(500).send({ error: { code: 'INTERNAL', message: `internal error (request ${request.id})` } })
}
