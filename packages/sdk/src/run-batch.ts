import { LogBatchResponse, type MetricPointInput } from '@provena/contract'
import type { HttpClient } from './http-client.js'
import { runPath } from './runs-api.js'

/** Metrics, params and tags the server applies to one run atomically. */
interface RunBatch {
  metrics?: MetricPointInput[]
  params?: { key: string; value: string }[]
  tags?: { key: string; value: string }[]
}

// randomUUID exists only in secure contexts (https, localhost) of browsers; getRandomValues everywhere.
function newIdempotencyKey(): string {
  const { crypto } = globalThis
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * Sends one batch under a fresh idempotency key. The key is drawn once, before the first attempt,
 * so when an answer is lost and the request retried, the server applies the batch only once.
 */
export async function sendRunBatch(http: HttpClient, runId: string, batch: RunBatch): Promise<void> {
  await http.request({
    method: 'POST',
    path: runPath(runId, '/batch'),
    body: { metrics: [], params: [], tags: [], ...batch, idempotencyKey: newIdempotencyKey() },
    response: LogBatchResponse,
    isIdempotent: true,
  })
}
