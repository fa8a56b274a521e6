import { randomUUID } from 'node:crypto'

/** A name no other test, in this suite or a parallel one, will use. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`
}

async function post(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`)
  return response.json()
}

export async function seedExperiment(serverUrl: string, name: string): Promise<string> {
  const { experiment } = (await post(`${serverUrl}/api/v1/experiments`, { name })) as { experiment: { id: string } }
  return experiment.id
}

/** A run created over the native API, with its params and one point per metric at step 1. */
export async function seedRun(
  serverUrl: string,
  run: {
    experimentId: string
    name: string
    params?: Record<string, string>
    metrics?: Record<string, number | string>
  },
): Promise<string> {
  const created = (await post(`${serverUrl}/api/v1/runs`, {
    experimentId: run.experimentId,
    name: run.name,
    params: run.params ?? {},
  })) as { run: { id: string } }
  const metrics = Object.entries(run.metrics ?? {}).map(([key, value]) => ({ key, value, step: 1 }))
  await post(`${serverUrl}/api/v1/runs/${created.run.id}/batch`, { metrics })
  return created.run.id
}

/** Reads a JSON answer of the native API, e.g. to check what a command changed. */
export async function getJson(serverUrl: string, apiPath: string): Promise<unknown> {
  const response = await fetch(`${serverUrl}${apiPath}`)
  if (!response.ok) throw new Error(`GET ${apiPath} answered ${response.status}: ${await response.text()}`)
  return response.json()
}

export async function deleteOverApi(serverUrl: string, apiPath: string): Promise<void> {
  const response = await fetch(`${serverUrl}${apiPath}`, { method: 'DELETE' })
  if (!response.ok) throw new Error(`DELETE ${apiPath} answered ${response.status}: ${await response.text()}`)
}
