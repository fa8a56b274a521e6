import { createHmac } from 'node:crypto'
import type { DueDelivery } from '../../storage/db/webhooks-repository.js'
import type { Store } from '../../storage/store.js'
import type { Clock } from '../clock.js'
import { checkWebhookTarget, type ResolveHost } from './webhook-targets.js'

/** Sends one signed request; answers the HTTP status, or throws when there was no answer. */
export type SendWebhook = (request: { url: string; body: string; headers: Record<string, string> }) => Promise<number>

/** After this many failed attempts a delivery is FAILED for good. */
export const MAX_ATTEMPTS = 6
const LEASE_MS = 60_000
const BATCH = 20

/** Wait before attempt n+1 after n failures: 10 s, 40 s, 2.7 min, 11 min, 43 min. */
function retryDelayMs(failures: number): number {
  return 10_000 * 4 ** (failures - 1)
}

/** `sha256=<hex HMAC-SHA256 of the body with the webhook's secret>`, as receivers check it. */
function signatureOf(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

interface Deps {
  store: Store
  clock: Clock
  send: SendWebhook
  allowedHosts: readonly string[]
  resolveHost: ResolveHost
}

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>

/**
 * Sends what the outbox holds: claims due deliveries (a lease keeps other replicas off them),
 * signs and sends each, and records the outcome; failures are retried with backoff.
 */
export function createWebhookDispatcher({ store, clock, send, allowedHosts, resolveHost }: Deps) {
  async function attempt(delivery: DueDelivery): Promise<void> {
    const attempts = delivery.attempts + 1
    let statusCode: number | null = null
    let error: string | null = null
    try {
      await checkWebhookTarget(delivery.url, { allowedHosts, resolveHost })
      const body = delivery.payloadJson
      statusCode = await send({
        url: delivery.url,
        body,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Provena-Webhook/1',
          'x-provena-event': delivery.event,
          'x-provena-delivery': delivery.id,
          'x-provena-signature': signatureOf(delivery.secret, body),
        },
      })
      if (statusCode < 200 || statusCode >= 300) error = `the receiver answered ${statusCode}`
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause)
    }
    const nowMs = clock.nowMs()
    const isDone = error === null
    const isFinal = isDone || attempts >= MAX_ATTEMPTS
    await store.webhooks.recordAttempt(delivery.id, {
      status: isDone ? 'SUCCEEDED' : isFinal ? 'FAILED' : 'PENDING',
      attempts,
      lastStatusCode: statusCode,
      lastError: error,
      nextAttemptAtMs: isFinal ? null : nowMs + retryDelayMs(attempts),
      deliveredAtMs: isDone ? nowMs : null,
    })
  }

  return {
    /** Sends every delivery due now (one batch after another); returns how many were attempted. */
    async deliverDue(): Promise<number> {
      let attempted = 0
      for (;;) {
        const nowMs = clock.nowMs()
        // Most polls find nothing; they must not take SQLite's write lock (and a WAL sync) for it.
        if (!(await store.webhooks.hasDue(nowMs))) return attempted
        const due = await store.transaction((tx) => tx.webhooks.claimDue(nowMs, nowMs + LEASE_MS, BATCH))
        await Promise.all(due.map(attempt))
        attempted += due.length
        if (due.length < BATCH) return attempted
      }
    },
  }
}
