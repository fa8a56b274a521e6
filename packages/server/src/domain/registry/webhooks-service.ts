import { randomBytes } from 'node:crypto'
import {
  type CreatedWebhookResponse,
  type CreateWebhookBody,
  NotFoundError,
  type Webhook,
  type WebhookDelivery,
  WebhookEvent,
} from '@provena/contract'
import type { ModelRecord } from '../../storage/db/models-repository.js'
import type { WebhookRecord } from '../../storage/db/webhooks-repository.js'
import type { Store } from '../../storage/store.js'
import type { AuditLog } from '../audit/audit-log.js'
import type { Authorizer } from '../auth/authorizer.js'
import { actorName, type RequestContext } from '../auth/principal.js'
import type { Clock, IdGenerator } from '../clock.js'
import { findAuthorizedModel } from './model-access.js'
import { checkWebhookTarget, type ResolveHost } from './webhook-targets.js'

/** What registry changes announce to webhooks, inside the transaction of the change. */
export interface RegistryEvents {
  publish(tx: Store, model: { id: string; name: string }, event: WebhookEvent, data: unknown): Promise<void>
}

/** Writes one delivery per subscribed webhook into the outbox (the dispatcher sends them). */
export function createRegistryEvents({ clock, ids }: { clock: Clock; ids: IdGenerator }): RegistryEvents {
  return {
    async publish(tx, model, event, data) {
      const webhooks = (await tx.webhooks.listForModel(model)).filter((w) => w.events.includes(event))
      const nowMs = clock.nowMs()
      for (const webhook of webhooks) {
        const id = ids.objectId()
        const payloadJson = JSON.stringify({ id, event, model: model.name, occurredAtMs: nowMs, data })
        await tx.webhooks.enqueue({ id, webhookId: webhook.id, event, payloadJson, nowMs })
      }
    },
  }
}

function publicWebhook(record: WebhookRecord): Webhook {
  const { secret: _secret, modelId: _modelId, ...webhook } = record
  return webhook
}

interface Deps {
  store: Store
  clock: Clock
  ids: IdGenerator
  audit: AuditLog
  authorizer: Authorizer
  allowedHosts: readonly string[]
  resolveHost: ResolveHost
}

export type WebhooksService = ReturnType<typeof createWebhooksService>

/** Subscriptions of URLs to a model's registry events (MANAGE on the model). */
export function createWebhooksService({ store, clock, ids, audit, authorizer, allowedHosts, resolveHost }: Deps) {
  async function webhookOf(tx: Store, model: ModelRecord, id: string): Promise<WebhookRecord> {
    const found = (await tx.webhooks.listForModel(model)).find((w) => w.id === id)
    if (!found) throw new NotFoundError(`webhook ${id} of ${model.name} not found`)
    return found
  }

  return {
    /** Creates the webhook; its signing secret is in this answer only. */
    async create(ctx: RequestContext, name: string, input: CreateWebhookBody): Promise<CreatedWebhookResponse> {
      await checkWebhookTarget(input.url, { allowedHosts, resolveHost })
      return store.transaction(async (tx) => {
        const model = await findAuthorizedModel(tx, authorizer, ctx, name, 'MANAGE')
        const record: WebhookRecord = {
          id: ids.objectId(),
          modelId: model.id,
          modelName: name,
          url: input.url,
          events: input.events ?? WebhookEvent.options,
          secret: randomBytes(32).toString('hex'),
          createdAtMs: clock.nowMs(),
          createdBy: actorName(ctx.principal).actor,
        }
        await tx.webhooks.insert(record)
        const webhook = publicWebhook(record)
        await audit.record(tx, ctx, {
          action: 'webhook.create',
          objectType: 'registered_model',
          objectId: name,
          after: webhook,
        })
        return { webhook, secret: record.secret }
      })
    },

    async list(ctx: RequestContext, name: string): Promise<Webhook[]> {
      const model = await findAuthorizedModel(store, authorizer, ctx, name, 'MANAGE')
      return (await store.webhooks.listForModel(model)).map(publicWebhook)
    },

    async delete(ctx: RequestContext, name: string, id: string): Promise<void> {
      await store.transaction(async (tx) => {
        const model = await findAuthorizedModel(tx, authorizer, ctx, name, 'MANAGE')
        const webhook = await webhookOf(tx, model, id)
        await tx.webhooks.delete(model.id, id)
        await audit.record(tx, ctx, {
          action: 'webhook.delete',
          objectType: 'registered_model',
          objectId: name,
          before: publicWebhook(webhook),
        })
      })
    },

    /** The newest deliveries to a webhook and how each went. */
    async deliveries(ctx: RequestContext, name: string, id: string): Promise<WebhookDelivery[]> {
      const model = await findAuthorizedModel(store, authorizer, ctx, name, 'MANAGE')
      await webhookOf(store, model, id)
      return store.webhooks.deliveries(id, 200)
    },
  }
}
