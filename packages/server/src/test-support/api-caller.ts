import type { OutgoingHttpHeaders } from 'node:http'
import { SESSION_COOKIE } from '../http/access-control.js'
import type { App } from '../http/app-type.js'
import type { ApiAnswer } from './api-client.js'

/** What a caller presents: an API token, a user name and password (or token), or a session cookie. */
export type CallerCredentials =
  | { bearer: string }
  | { basic: { username: string; password: string } }
  | { session: string }

/** An answer with its response headers (cookies, request id) and raw text (JSON Lines, say). */
export type CallerAnswer = ApiAnswer & { headers: OutgoingHttpHeaders; text: string }

export interface CallerOptions {
  credentials?: CallerCredentials
  /** The client address the server sees; tests that fail sign-ins use their own, as the rate limit counts per address. */
  remoteAddress?: string
  requestId?: string
  host?: string
}

function credentialHeaders(credentials: CallerCredentials | undefined): Record<string, string> {
  if (credentials === undefined) return {}
  if ('bearer' in credentials) return { authorization: `Bearer ${credentials.bearer}` }
  if ('basic' in credentials) {
    const { username, password } = credentials.basic
    return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` }
  }
  return { cookie: `${SESSION_COOKIE}=${encodeURIComponent(credentials.session)}` }
}

/** Like `apiClient`, as a given caller, and with the response headers (cookies, request ids) in each answer. */
export function apiCaller(app: App, options: CallerOptions = {}) {
  const headers = {
    ...credentialHeaders(options.credentials),
    ...(options.requestId === undefined ? {} : { 'x-request-id': options.requestId }),
    ...(options.host === undefined ? {} : { host: options.host }),
  }
  async function call(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<CallerAnswer> {
    const res = await app.inject({
      method,
      url,
      headers,
      ...(options.remoteAddress === undefined ? {} : { remoteAddress: options.remoteAddress }),
      ...(payload === undefined ? {} : { payload: payload as object }),
    })
    const isJson = String(res.headers['content-type'] ?? '').startsWith('application/json')
    return { status: res.statusCode, body: isJson ? res.json() : null, headers: res.headers, text: res.body }
  }
  return {
    get: (url: string) => call('GET', url),
    // Like the SDK, a POST without a body still sends `{}` as JSON (bare POSTs are refused).
    post: (url: string, payload: unknown = {}) => call('POST', url, payload),
    patch: (url: string, payload: unknown) => call('PATCH', url, payload),
    put: (url: string, payload: unknown) => call('PUT', url, payload),
    delete: (url: string) => call('DELETE', url),
  }
}
