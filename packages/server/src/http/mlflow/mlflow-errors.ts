import { AppError, type ErrorCode } from '@provena/contract'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'

/**
 * MLflow's error body is `{ "error_code": "...", "message": "..." }`, with the statuses its
 * server uses: RESOURCE_ALREADY_EXISTS is 400 there (not 409), RESOURCE_DOES_NOT_EXIST 404,
 * INVALID_PARAMETER_VALUE 400.
 */
const mlflowError: Record<ErrorCode, { errorCode: string; status: number }> = {
  INVALID_INPUT: { errorCode: 'INVALID_PARAMETER_VALUE', status: 400 },
  UNAUTHENTICATED: { errorCode: 'UNAUTHENTICATED', status: 401 },
  PERMISSION_DENIED: { errorCode: 'PERMISSION_DENIED', status: 403 },
  NOT_FOUND: { errorCode: 'RESOURCE_DOES_NOT_EXIST', status: 404 },
  ALREADY_EXISTS: { errorCode: 'RESOURCE_ALREADY_EXISTS', status: 400 },
  // MLflow answers a change to a deleted run or experiment, restoring an active one and the like
  // with INVALID_PARAMETER_VALUE (its INVALID_STATE is a 500 there).
  CONFLICT: { errorCode: 'INVALID_PARAMETER_VALUE', status: 400 },
  PAYLOAD_TOO_LARGE: { errorCode: 'INVALID_PARAMETER_VALUE', status: 413 },
  RATE_LIMITED: { errorCode: 'REQUEST_LIMIT_EXCEEDED', status: 429 },
  INTERNAL: { errorCode: 'INTERNAL_ERROR', status: 500 },
}

const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_INPUT',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_INPUT',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_INPUT',
  FST_ERR_VALIDATION: 'INVALID_INPUT',
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string'
}

/**
 * MLflow's wording for a bad request field, naming it as MLflow does (`metrics.3.key`): a missing
 * field is "Missing value for required parameter", anything else "Invalid value … for parameter".
 */
function validationMessage(issues: { instancePath: string; keyword: string; message?: string }[]) {
  const [first] = issues
  if (!first) return 'Invalid request'
  const name = first.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(request)'
  if (first.keyword === 'invalid_type' && /received undefined/.test(first.message ?? '')) {
    return `Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`
  }
  return `Invalid value for parameter '${name}' supplied: ${first.message ?? 'invalid'}`
}

function send(reply: FastifyReply, code: ErrorCode, message: string) {
  const { errorCode, status } = mlflowError[code]
  return reply.code(status).type('application/json; charset=utf-8').send({ error_code: errorCode, message })
}

/** Renders any error thrown under the MLflow prefixes as MLflow's error body. */
export function renderMlflowError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) return send(reply, error.code, error.message)
  if (hasZodFastifySchemaValidationErrors(error))
    return send(reply, 'INVALID_INPUT', validationMessage(error.validation))
  if (isFastifyError(error)) {
    const code = fastifyCodes[error.code]
    if (code) return send(reply, code, error.message)
  }
  request.log.error({ err: error }, 'unhandled error')
  return send(reply, 'INTERNAL', `internal error (request ${request.id})`)
}

/** An unknown path under an MLflow prefix answers as MLflow's server does. */
export function renderMlflowNotFound(request: FastifyRequest, reply: FastifyReply) {
  return reply
    .code(404)
    .type('application/json; charset=utf-8')
    .send({ error_code: 'ENDPOINT_NOT_FOUND', message: `no MLflow endpoint ${request.method} ${request.url}` })
}
