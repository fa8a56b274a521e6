import type { App } from '../http/app-type.js'

export interface ApiAnswer {
  status: number
  // biome-ignore lint/suspicious/noExplicitAny: test answers are asserted field by field
  body: any
}

/** Thin helpers over `app.inject()` so HTTP tests read as requests and answers. */
export function apiClient(app: App) {
  async function call(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<ApiAnswer> {
    const res = await app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) })
    return { status: res.statusCode, body: res.body === '' ? null : res.json() }
  }
  return {
    get: (url: string) => call('GET', url),
    // POST without a body still sends `{}` as JSON, as the SDK does: bare POSTs are refused (browser safety).
    post: (url: string, payload: unknown = {}) => call('POST', url, payload),
    patch: (url: string, payload: unknown) => call('PATCH', url, payload),
    put: (url: string, payload: unknown) => call('PUT', url, payload),
    delete: (url: string) => call('DELETE', url),
    /** Creates an experiment with a unique name and returns its id. */
    async experiment(prefix = 'exp'): Promise<string> {
      const res = await call('POST', '/api/v1/experiments', {
        name: `${prefix}-${Math.random().toString(36).slice(2)}`,
      })
      if (res.status !== 201) throw new Error(`could not create experiment: ${JSON.stringify(res.body)}`)
      return res.body.experiment.id
    },
    /** Creates a run and returns it. */
    async run(body: Record<string, unknown> = {}) {
      const res = await call('POST', '/api/v1/runs', body)
      if (res.status !== 201) throw new Error(`could not create run: ${JSON.stringify(res.body)}`)
      return res.body.run
    },
  }
}
