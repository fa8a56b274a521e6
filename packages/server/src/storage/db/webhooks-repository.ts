import type { Webhook, WebhookDelivery, WebhookEvent } from '@provena/contract'
import type { Kysely, Selectable } from 'kysely'
import type { DialectKind } from './dialects/dialect-kind.js'
import type { DB, WebhookDeliveriesTable } from './schema.js'

/** A webhook with what delivering to it needs. */
export type WebhookRecord = Webhook & { modelId: string; secret: string }

/** A delivery claimed for sending, with its target. */
export interface DueDelivery {
  id: string
  event: WebhookEvent
  payloadJson: string
  attempts: number
  url: string
  secret: string
}

export type WebhooksRepository = ReturnType<typeof createWebhooksRepository>

function toDelivery(row: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
  return {
    id: row.id,
    event: row.event as WebhookEvent,
    status: row.status as WebhookDelivery['status'],
    attempts: Number(row.attempts),
    lastStatusCode: row.lastStatusCode === null ? null : Number(row.lastStatusCode),
    lastError: row.lastError,
    nextAttemptAtMs: row.nextAttemptAtMs === null ? null : Number(row.nextAttemptAtMs),
    createdAtMs: Number(row.createdAtMs),
    deliveredAtMs: row.deliveredAtMs === null ? null : Number(row.deliveredAtMs),
  }
}

export function createWebhooksRepository(db: Kysely<DB>, kind: DialectKind) {
  return {
    async insert(webhook: WebhookRecord): Promise<void> {
      await db
        .insertInto('webhooks')
        .values({
          id: webhook.id,
          modelId: webhook.modelId,
          url: webhook.url,
          eventsJson: JSON.stringify(webhook.events),
          secret: webhook.secret,
          createdAtMs: webhook.createdAtMs,
          createdBy: webhook.createdBy,
        })
        .execute()
    },

    async listForModel(model: { id: string; name: string }): Promise<WebhookRecord[]> {
      const rows = await db
        .selectFrom('webhooks')
        .selectAll()
        .where('modelId', '=', model.id)
        .orderBy('createdAtMs')
        .execute()
      return rows.map((r) => ({
        id: r.id,
        modelId: r.modelId,
        modelName: model.name,
        url: r.url,
        events: JSON.parse(r.eventsJson) as WebhookEvent[],
        secret: r.secret,
        createdAtMs: Number(r.createdAtMs),
        createdBy: r.createdBy,
      }))
    },

    /** Removes the webhook and its deliveries; false when there was none. */
    async delete(modelId: string, id: string): Promise<boolean> {
      const found = await db
        .selectFrom('webhooks')
        .select('id')
        .where('id', '=', id)
        .where('modelId', '=', modelId)
        .executeTakeFirst()
      if (!found) return false
      await db.deleteFrom('webhookDeliveries').where('webhookId', '=', id).execute()
      await db.deleteFrom('webhooks').where('id', '=', id).execute()
      return true
    },

    async enqueue(delivery: {
      id: string
      webhookId: string
      event: WebhookEvent
      payloadJson: string
      nowMs: number
    }) {
      await db
        .insertInto('webhookDeliveries')
        .values({
          id: delivery.id,
          webhookId: delivery.webhookId,
          event: delivery.event,
          payloadJson: delivery.payloadJson,
          status: 'PENDING',
          attempts: 0,
          nextAttemptAtMs: delivery.nowMs,
          lastStatusCode: null,
          lastError: null,
          createdAtMs: delivery.nowMs,
          deliveredAtMs: null,
        })
        .execute()
    },

    /** Whether any delivery is due: a read, so an idle server's poll opens no write transaction. */
    async hasDue(nowMs: number): Promise<boolean> {
      const row = await db
        .selectFrom('webhookDeliveries')
        .select('id')
        .where('status', '=', 'PENDING')
        .where('nextAttemptAtMs', '<=', nowMs)
        .limit(1)
        .executeTakeFirst()
      return row !== undefined
    },

    /**
     * Inside a transaction: takes up to `limit` due deliveries and pushes their next attempt to
     * `leaseUntilMs`, so another replica (or tick) does not send them meanwhile. PostgreSQL skips
     * rows another replica has locked; SQLite has one writer at a time.
     */
    async claimDue(nowMs: number, leaseUntilMs: number, limit: number): Promise<DueDelivery[]> {
      let query = db
        .selectFrom('webhookDeliveries')
        .innerJoin('webhooks', 'webhooks.id', 'webhookDeliveries.webhookId')
        .select([
          'webhookDeliveries.id',
          'webhookDeliveries.event',
          'webhookDeliveries.payloadJson',
          'webhookDeliveries.attempts',
          'webhooks.url',
          'webhooks.secret',
        ])
        .where('webhookDeliveries.status', '=', 'PENDING')
        .where('webhookDeliveries.nextAttemptAtMs', '<=', nowMs)
        .orderBy('webhookDeliveries.nextAttemptAtMs')
        .limit(limit)
      if (kind === 'postgres') query = query.forUpdate('webhookDeliveries').skipLocked()
      const rows = await query.execute()
      if (rows.length === 0) return []
      await db
        .updateTable('webhookDeliveries')
        .set({ nextAttemptAtMs: leaseUntilMs })
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute()
      return rows.map((r) => ({ ...r, event: r.event as WebhookEvent, attempts: Number(r.attempts) }))
    },

    async recordAttempt(
      id: string,
      outcome: {
        status: 'PENDING' | 'SUCCEEDED' | 'FAILED'
        attempts: number
        lastStatusCode: number | null
        lastError: string | null
        nextAttemptAtMs: number | null
        deliveredAtMs: number | null
      },
    ): Promise<void> {
      await db.updateTable('webhookDeliveries').set(outcome).where('id', '=', id).execute()
    },

    async deliveries(webhookId: string, limit: number): Promise<WebhookDelivery[]> {
      const rows = await db
        .selectFrom('webhookDeliveries')
        .selectAll()
        .where('webhookId', '=', webhookId)
        .orderBy('createdAtMs', 'desc')
        .limit(limit)
        .execute()
      return rows.map(toDelivery)
    },
  }
}
