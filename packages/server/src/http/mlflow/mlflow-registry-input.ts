import { InvalidInputError, Key, MAX_TAG_VALUE_LENGTH } from '@provena/contract'
import type { FastifyRequest } from 'fastify'
import { z } from 'zod'

/**
 * A request's parameters as MLflow's server reads them: the query string of a GET, else the JSON
 * body; a DELETE may carry them in either (MLflow's clients send a body, some tools a query).
 */
export function mlflowInput<T extends z.ZodType>(request: FastifyRequest, schema: T): z.infer<T> {
  const query = (request.query ?? {}) as Record<string, unknown>
  const body = request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {}
  const value = request.method === 'GET' ? query : { ...query, ...body }
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const [issue] = result.error.issues
  if (issue?.code === 'custom') throw new InvalidInputError(issue.message)
  const path = issue?.path.join('.') ?? ''
  const given =
    path === '' ? undefined : path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], value)
  if (given === undefined && path !== '') {
    throw new InvalidInputError(
      `Missing value for required parameter '${path}'. See the API docs for more information about request parameters.`,
    )
  }
  throw new InvalidInputError(
    `Invalid value ${JSON.stringify(given)} for parameter '${path}' supplied: ${issue?.message}`,
  )
}

/** A name to look a model up by (a name that no model can have is simply not found). */
export const LookupName = z.string().min(1).max(1000)
/** MLflow sends versions as strings; some clients send numbers. */
export const VersionInput = z.union([z.string().max(20), z.number()])
export const TagKey = Key
export const TagValue = z.string().max(MAX_TAG_VALUE_LENGTH)
export const TagList = z.array(z.object({ key: TagKey, value: TagValue })).max(1000)

/** A query parameter that may be given once or repeated. */
export const RepeatedString = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]))
  .pipe(z.array(z.string().max(1000)).max(100))

/** `max_results`: MLflow's default and cap for the search, as a number or a decimal string. */
export function maxResults(defaultValue: number, cap: number) {
  return z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return defaultValue
      if (value > cap) {
        ctx.addIssue({
          code: 'custom',
          message: `Invalid value for request parameter max_results. It must be at most ${cap}, but got value ${value}`,
        })
        return z.NEVER
      }
      return value
    })
}
