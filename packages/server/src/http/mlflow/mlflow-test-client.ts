import type { App } from '../app-type.js'

export interface MlflowAnswer {
  status: number
  // biome-ignore lint/suspicious/noExplicitAny: test answers are asserted field by field
  body: any
}

/** MLflow's REST calls over `app.inject()`: POST with a JSON body, GET with a query string. */
export function mlflowClient(app: App, { prefix = '/api/2.0', headers = {} as Record<string, string> } = {}) {
  async function call(method: 'GET' | 'POST', endpoint: string, request: Record<string, unknown>) {
    const url = `${prefix}/mlflow/${endpoint}`
    const res =
      method === 'GET'
        ? await app.inject({ method, url, headers, query: queryOf(request) })
        : await app.inject({ method, url, headers, payload: request })
    return { status: res.statusCode, body: res.body === '' ? null : res.json() } as MlflowAnswer
  }
  return {
    get: (endpoint: string, request: Record<string, unknown> = {}) => call('GET', endpoint, request),
    post: (endpoint: string, request: Record<string, unknown> = {}) => call('POST', endpoint, request),
    /** Creates an experiment with a unique name and returns its id. */
    async experiment(prefixName = 'mlflow-exp'): Promise<string> {
      const res = await call('POST', 'experiments/create', {
        name: `${prefixName}-${Math.random().toString(36).slice(2)}`,
      })
      if (res.status !== 200) throw new Error(`could not create experiment: ${JSON.stringify(res.body)}`)
      return res.body.experiment_id
    },
    /** Creates a run and returns its id. */
    async run(request: Record<string, unknown> = {}): Promise<string> {
      const res = await call('POST', 'runs/create', request)
      if (res.status !== 200) throw new Error(`could not create run: ${JSON.stringify(res.body)}`)
      return res.body.run.info.run_id
    },
  }
}

function queryOf(request: Record<string, unknown>): Record<string, string | string[]> {
  return Object.fromEntries(
    Object.entries(request).map(([key, value]) => [key, Array.isArray(value) ? value.map(String) : String(value)]),
  )
}
