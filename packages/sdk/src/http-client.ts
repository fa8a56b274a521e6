import { ErrorBody, errorFromBody, InternalError } from '@provena/contract'
import type { ClientConfig } from './config.js'
import { ConnectionError } from './connection-error.js'
import { type Outcome, retryWithBackoff } from './retry.js'

/** Anything with zod's `safeParse`, so the contract's schemas fit without the SDK importing zod. */
export interface ResponseSchema<T> {
  safeParse(input: unknown): { success: true; data: T } | { success: false; error: { message: string } }
}

/** The schema of an answer without a body (204). */
export const NO_CONTENT: ResponseSchema<void> = { safeParse: () => ({ success: true, data: undefined }) }

/** One call of the REST API. */
export interface HttpRequest<T> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** Path below the base URL, segments already encoded. */
  path: string
  query?: Record<string, string | number | undefined>
  body?: unknown
  response: ResponseSchema<T>
  /**
   * Whether applying the request twice has the effect of applying it once. Only such requests
   * are retried after a network error or a 5xx, because the first attempt may have been applied.
   */
  isIdempotent: boolean
}

/** A GET whose answer is read as a stream, e.g. a JSON Lines export far larger than memory. */
export interface StreamRequest {
  path: string
  query?: HttpRequest<unknown>['query']
}

/** A request whose body or answer is bytes rather than JSON (artifact uploads and downloads). */
export interface RawRequest {
  method: 'GET' | 'PUT' | 'POST'
  path: string
  query?: HttpRequest<unknown>['query']
  headers?: Record<string, string>
  /** Makes the body anew for each attempt, since a sent stream cannot be sent again. */
  body?: () => NonNullable<RequestInit['body']>
  isIdempotent: boolean
}

/** Sends requests to one server, retrying and decoding errors into the contract's classes. */
export interface HttpClient {
  readonly url: string
  request<T>(request: HttpRequest<T>): Promise<T>
  /** The body of a successful GET, unread; only the request up to the answer's status is retried. */
  stream(request: StreamRequest): Promise<ReadableStream<Uint8Array>>
  /** A successful answer with its body unread; error answers are decoded and thrown. */
  raw(request: RawRequest): Promise<Response>
}

interface RawAnswer {
  status: number
  text: string
}

/** An answer whose body is left unread when it is a success, to be streamed. */
interface StreamedAnswer {
  status: number
  response: Response
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  // Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, socket closed) is its cause.
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message
}

// Text that is not JSON (say, a proxy's HTML page) is kept as a string so that the schema check names it.
function parseBody(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function decodeError(answer: RawAnswer, what: string): Error {
  const parsed = ErrorBody.safeParse(parseBody(answer.text))
  if (parsed.success) return errorFromBody(parsed.data.error.code, parsed.data.error.message)
  return new InternalError(`HTTP ${answer.status} from ${what}: ${answer.text.slice(0, 200)}`)
}

function buildUrl(base: string, path: string, query: HttpRequest<unknown>['query']): string {
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined) search.set(name, String(value))
  }
  const queryString = search.toString()
  return queryString === '' ? `${base}${path}` : `${base}${path}?${queryString}`
}

// btoa takes Latin-1 only, so a password with other characters is sent as its UTF-8 bytes (RFC 7617).
function base64Utf8(text: string): string {
  let binary = ''
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte)
  return btoa(binary)
}

function buildHeaders(config: ClientConfig, hasBody: boolean): Record<string, string> {
  // The server refuses a POST that is neither JSON nor carries this header (see docs/api.md), so
  // that a cross-site form cannot change anything; a bodiless POST like restore needs the header.
  const headers: Record<string, string> = { accept: 'application/json', 'x-provena-client': 'sdk' }
  // Fastify rejects an empty body declared as JSON, so the type is sent only with a body.
  if (hasBody) headers['content-type'] = 'application/json'
  if (config.token) headers.authorization = `Bearer ${config.token}`
  else if (config.basicCredentials) {
    const { username, password } = config.basicCredentials
    headers.authorization = `Basic ${base64Utf8(`${username}:${password}`)}`
  }
  return headers
}

function isWorthRetrying(outcome: Outcome<{ status: number }>, isIdempotent: boolean): boolean {
  if (!outcome.ok) return isIdempotent
  // A 429 was refused before any work, so even a non-idempotent request may be sent again.
  if (outcome.value.status === 429) return true
  return outcome.value.status >= 500 && isIdempotent
}

/** Creates the client every part of the SDK sends its requests through. */
export function createHttpClient(config: ClientConfig): HttpClient {
  async function withRetries<A extends { status: number }>(
    request: { method: string; path: string; isIdempotent: boolean },
    attempt: () => Promise<A>,
  ): Promise<A> {
    try {
      return await retryWithBackoff(attempt, {
        maxRetries: config.maxRetries,
        shouldRetry: (outcome) => isWorthRetrying(outcome, request.isIdempotent),
      })
    } catch (error) {
      throw new ConnectionError(
        `could not reach the Provena server at ${config.url} (${request.method} ${request.path}): ${describeNetworkError(error)}`,
        { cause: error },
      )
    }
  }

  async function send(request: HttpRequest<unknown>): Promise<RawAnswer> {
    const url = buildUrl(config.url, request.path, request.query)
    const hasBody = request.body !== undefined
    const init: RequestInit = { method: request.method, headers: buildHeaders(config, hasBody) }
    if (hasBody) init.body = JSON.stringify(request.body)
    // The body is read inside the attempt: a connection that breaks mid-answer is retried too.
    return withRetries(request, async () => {
      const response = await config.fetch(url, init)
      return { status: response.status, text: await response.text() }
    })
  }

  async function raw(request: RawRequest): Promise<Response> {
    const url = buildUrl(config.url, request.path, request.query)
    const headers = { ...buildHeaders(config, false), ...request.headers }
    const answer = await withRetries<RawAnswer | StreamedAnswer>(request, async () => {
      const init: RequestInit & { duplex?: 'half' } = { method: request.method, headers }
      // A streamed request body needs half-duplex mode in Node's fetch.
      if (request.body) Object.assign(init, { body: request.body(), duplex: 'half' })
      const response = await config.fetch(url, init)
      if (response.ok) return { status: response.status, response }
      return { status: response.status, text: await response.text() }
    })
    if ('text' in answer) throw decodeError(answer, `${request.method} ${config.url}${request.path}`)
    return answer.response
  }

  return {
    url: config.url,
    async request<T>(request: HttpRequest<T>): Promise<T> {
      const answer = await send(request)
      const what = `${request.method} ${config.url}${request.path}`
      if (answer.status < 200 || answer.status >= 300) throw decodeError(answer, what)
      const parsed = request.response.safeParse(parseBody(answer.text))
      if (!parsed.success) throw new InternalError(`unexpected answer to ${what}: ${parsed.error.message}`)
      return parsed.data
    },

    async stream(request: StreamRequest): Promise<ReadableStream<Uint8Array>> {
      const response = await raw({ method: 'GET', path: request.path, query: request.query, isIdempotent: true })
      return response.body ?? new ReadableStream({ start: (controller) => controller.close() })
    },

    raw,
  }
}
