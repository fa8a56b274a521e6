import type { AuditEventRow } from '../../storage/db/audit-repository.js'
import type { Store } from '../../storage/store.js'
import { actorName, type RequestContext } from '../auth/principal.js'
import type { Clock } from '../clock.js'
import { canonicalJson } from './canonical-json.js'
import { type AuditEvent, type AuditEventBody, hashEvent } from './event-hash.js'

/** What a mutation says about itself; who, when and where come from the request context. */
export interface AuditEntry {
  action: string
  objectType: string
  objectId: string | null
  before?: unknown
  after?: unknown
  details?: unknown
}

export type AuditLog = ReturnType<typeof createAuditLog>

/** A JSON value as it will read back from storage (undefined fields gone, NaN as null). */
function jsonValue(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value))
}

/** The stored row of an event: JSON fields as canonical text, so any edit of a byte is detectable. */
export function eventToRow(event: AuditEvent): AuditEventRow {
  const { before, after, details, ...rest } = event
  return {
    ...rest,
    beforeJson: canonicalJson(before),
    afterJson: canonicalJson(after),
    detailsJson: canonicalJson(details),
  }
}

/** The event a stored row stands for. Throws when a JSON field does not parse. */
export function rowToEvent(row: AuditEventRow): AuditEvent {
  const { beforeJson, afterJson, detailsJson, ...rest } = row
  return { ...rest, before: JSON.parse(beforeJson), after: JSON.parse(afterJson), details: JSON.parse(detailsJson) }
}

export function createAuditLog({ clock }: { clock: Clock }) {
  return {
    /**
     * Appends an event inside the caller's transaction, so the change and its record commit or
     * fail together (fail closed). Call it last in the transaction: the chain head stays locked
     * from here to the commit.
     */
    async record(tx: Store, ctx: RequestContext, entry: AuditEntry): Promise<void> {
      const { actor, actorKind } = actorName(ctx.principal)
      const timeMs = clock.nowMs()
      await tx.audit.append(({ seq, prevHash }) => {
        const body: AuditEventBody = {
          seq,
          timeMs,
          actor,
          actorKind,
          sourceIp: ctx.sourceIp,
          requestId: ctx.requestId,
          action: entry.action,
          objectType: entry.objectType,
          objectId: entry.objectId,
          before: jsonValue(entry.before),
          after: jsonValue(entry.after),
          details: jsonValue(entry.details),
          prevHash,
        }
        return eventToRow({ ...body, hash: hashEvent(body) })
      })
    },
  }
}
