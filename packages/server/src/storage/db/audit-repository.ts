import type BetterSqlite3 from 'better-sqlite3'
import { type ExpressionBuilder, type Kysely, type Selectable, sql } from 'kysely'
import type { AuditEventsTable } from './access-schema.js'
import type { DB } from './schema.js'
import { executeTemplate } from './statement-templates.js'

/** An audit event exactly as stored: JSON fields as their canonical text. */
export type AuditEventRow = Selectable<AuditEventsTable>

export interface AuditEventFilter {
  objectType?: string | undefined
  objectId?: string | undefined
  actor?: string | undefined
  action?: string | undefined
  fromMs?: number | undefined
  toMs?: number | undefined
  /** Only events older than this seq (paging newest first). */
  beforeSeq?: number | undefined
}

export interface StoredCheckpoint {
  treeSize: number
  rootHash: string
  note: string
  createdAtMs: number
}

export type AuditRepository = ReturnType<typeof createAuditRepository>

// The columns in the order of the insert template's values.
const AUDIT_EVENT_COLUMNS = [
  'seq',
  'timeMs',
  'actor',
  'actorKind',
  'sourceIp',
  'requestId',
  'action',
  'objectType',
  'objectId',
  'beforeJson',
  'afterJson',
  'detailsJson',
  'prevHash',
  'hash',
] as const satisfies readonly (keyof AuditEventRow)[]

function toRow(row: AuditEventRow): AuditEventRow {
  return { ...row, seq: Number(row.seq), timeMs: Number(row.timeMs) }
}

// The columns of audit_events in the order rangeFromSqlite reads them.
const RANGE_SQL =
  'select seq, time_ms, actor, actor_kind, source_ip, request_id, action, object_type, object_id, ' +
  'before_json, after_json, details_json, prev_hash, hash from audit_events where seq > ? order by seq limit ?'

/**
 * `range` straight from better-sqlite3 as arrays: Kysely's per-row work (result objects, the
 * camel-case plugin) costs three times the query when a verification walks a million events.
 */
function rangeFromSqlite(sqlite: BetterSqlite3.Database, afterSeq: number, limit: number): AuditEventRow[] {
  const rows = sqlite.prepare(RANGE_SQL).raw(true).all(afterSeq, limit) as unknown[][]
  return rows.map((r) => ({
    seq: Number(r[0]),
    timeMs: Number(r[1]),
    actor: r[2] as string,
    actorKind: r[3] as string,
    sourceIp: r[4] as string | null,
    requestId: r[5] as string | null,
    action: r[6] as string,
    objectType: r[7] as string,
    objectId: r[8] as string | null,
    beforeJson: r[9] as string,
    afterJson: r[10] as string,
    detailsJson: r[11] as string,
    prevHash: r[12] as string,
    hash: r[13] as string,
  }))
}

/** `sqlite`: on SQLite, the connection under `db`, for bulk reads that bypass Kysely. */
export function createAuditRepository(db: Kysely<DB>, sqlite: BetterSqlite3.Database | null = null) {
  /** Hashes of the events afterSeq+1..toSeq in order. */
  async function hashesBetween(afterSeq: number, toSeq: number): Promise<string[]> {
    const rows = await db
      .selectFrom('auditEvents')
      .select('hash')
      .where('seq', '>', afterSeq)
      .where('seq', '<=', toSeq)
      .orderBy('seq')
      .execute()
    return rows.map((row) => row.hash)
  }

  return {
    /**
     * Appends one event at the head of the chain. Moving the single `audit_head` row first takes
     * its row lock (PostgreSQL) or the write lock (SQLite) until the transaction ends, so appends
     * from any number of replicas form one linear chain. `build` gets the new seq and the previous
     * hash and returns the complete row, hash included.
     */
    async append(build: (head: { seq: number; prevHash: string }) => AuditEventRow): Promise<AuditEventRow> {
      // Every write appends an event: the three statements run from templates (statement-templates.ts).
      const [head] = await executeTemplate(
        db,
        'auditHead:advance',
        () =>
          db
            .updateTable('auditHead')
            .set((eb) => ({ seq: eb('seq', '+', 1) }))
            .where('id', '=', 1)
            .returning(['seq', 'hash']),
        [],
      )
      if (head === undefined) throw new Error('the audit head row is missing')
      const row = build({ seq: Number(head.seq), prevHash: head.hash })
      await executeTemplate(
        db,
        'auditEvents:insert',
        (value) =>
          // Each column's marker is its place in AUDIT_EVENT_COLUMNS, which also orders the values.
          db
            .insertInto('auditEvents')
            .values(
              Object.fromEntries(
                AUDIT_EVENT_COLUMNS.map((column, i) => [column, value(i)]),
              ) as unknown as AuditEventRow,
            ),
        AUDIT_EVENT_COLUMNS.map((column) => row[column]),
      )
      await executeTemplate(
        db,
        'auditHead:setHash',
        (value) =>
          db
            .updateTable('auditHead')
            .set({ hash: value(0) })
            .where('id', '=', 1),
        [row.hash],
      )
      return row
    },

    async head(): Promise<{ seq: number; hash: string }> {
      const head = await db
        .selectFrom('auditHead')
        .select(['seq', 'hash'])
        .where('id', '=', 1)
        .executeTakeFirstOrThrow()
      return { seq: Number(head.seq), hash: head.hash }
    },

    /** Events in seq order, `afterSeq` excluded, at most `limit`. */
    async range(afterSeq: number, limit: number): Promise<AuditEventRow[]> {
      if (sqlite) return rangeFromSqlite(sqlite, afterSeq, limit)
      const rows = await db
        .selectFrom('auditEvents')
        .selectAll()
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit)
        .execute()
      return rows.map(toRow)
    },

    /** Newest first, filtered. */
    async list(filter: AuditEventFilter, limit: number): Promise<AuditEventRow[]> {
      let query = db.selectFrom('auditEvents').selectAll()
      if (filter.objectType !== undefined) query = query.where('objectType', '=', filter.objectType)
      if (filter.objectId !== undefined) query = query.where('objectId', '=', filter.objectId)
      if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor)
      if (filter.action !== undefined) query = query.where('action', '=', filter.action)
      if (filter.fromMs !== undefined) query = query.where('timeMs', '>=', filter.fromMs)
      if (filter.toMs !== undefined) query = query.where('timeMs', '<=', filter.toMs)
      if (filter.beforeSeq !== undefined) query = query.where('seq', '<', filter.beforeSeq)
      const rows = await query.orderBy('seq', 'desc').limit(limit).execute()
      return rows.map(toRow)
    },

    hashesBetween,

    /** Hashes of the events 1..treeSize in order: the leaves of the Merkle tree. */
    async hashesUpTo(treeSize: number): Promise<string[]> {
      const hashes: string[] = []
      const pageSize = 50_000
      for (let after = 0; after < treeSize; after += pageSize) {
        for (const hash of await hashesBetween(after, Math.min(after + pageSize, treeSize))) hashes.push(hash)
      }
      return hashes
    },

    /**
     * Failed sign-ins since a time, for rate limiting across replicas: for the user name from
     * this address, from this address for any name, and for the user name from anywhere.
     */
    async countFailedLogins(
      since: number,
      username: string,
      sourceIp: string | null,
    ): Promise<{ forNameFromAddress: number; fromAddress: number; forName: number }> {
      const isName = (eb: ExpressionBuilder<DB, 'auditEvents'>) => eb('objectId', '=', username)
      const isAddress = (eb: ExpressionBuilder<DB, 'auditEvents'>) =>
        sourceIp === null ? sql<boolean>`1 = 0` : eb('sourceIp', '=', sourceIp)
      const row = await db
        .selectFrom('auditEvents')
        .select((eb) => [
          eb.fn.sum<number | string>(eb.case().when(isName(eb)).then(1).else(0).end()).as('forName'),
          eb.fn.sum<number | string>(eb.case().when(isAddress(eb)).then(1).else(0).end()).as('fromAddress'),
          eb.fn
            .sum<number | string>(
              eb
                .case()
                .when(sourceIp === null ? isName(eb) : eb.and([isName(eb), isAddress(eb)]))
                .then(1)
                .else(0)
                .end(),
            )
            .as('forNameFromAddress'),
        ])
        .where('action', '=', 'auth.login_failed')
        .where('timeMs', '>=', since)
        .where((eb) => (sourceIp === null ? isName(eb) : eb.or([isName(eb), isAddress(eb)])))
        .executeTakeFirstOrThrow()
      // SUM over no rows is NULL; PostgreSQL sums integers as a numeric it sends as text.
      const forNameFromAddress = Number(row.forNameFromAddress ?? 0)
      const fromAddress = Number(row.fromAddress ?? 0)
      const forName = Number(row.forName ?? 0)
      return { forNameFromAddress, fromAddress, forName }
    },

    async insertCheckpoint(checkpoint: StoredCheckpoint): Promise<void> {
      await db
        .insertInto('auditCheckpoints')
        .values(checkpoint)
        .onConflict((oc) => oc.column('treeSize').doNothing())
        .execute()
    },

    async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
      const row = await db
        .selectFrom('auditCheckpoints')
        .selectAll()
        .orderBy('treeSize', 'desc')
        .limit(1)
        .executeTakeFirst()
      return row && { ...row, treeSize: Number(row.treeSize), createdAtMs: Number(row.createdAtMs) }
    },
  }
}
