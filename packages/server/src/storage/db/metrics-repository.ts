import type { Kysely } from 'kysely'
import type { DB } from './schema.js'

/** One metric point as the domain sees it: NaN and the infinities are plain numbers here. */
export interface StoredPoint {
  key: string
  value: number
  step: number
  timestampMs: number
}

export interface HistoryPoint {
  value: number
  step: number
  timestampMs: number
}

/** Where a page of history starts: after this (step, timestamp, id). */
export interface HistoryCursor {
  step: number
  timestampMs: number
  id: number
}

export type MetricsRepository = ReturnType<typeof createMetricsRepository>

const METRIC_COLUMNS = 6
// SQLite allows at most 32,766 bound parameters per statement, so rows are sent in chunks.
const ROWS_PER_INSERT = Math.floor(32_766 / METRIC_COLUMNS)

function isLater(a: StoredPoint, b: StoredPoint): boolean {
  return a.step > b.step || (a.step === b.step && a.timestampMs >= b.timestampMs)
}

export function createMetricsRepository(db: Kysely<DB>) {
  return {
    async appendHistory(runId: string, points: StoredPoint[]): Promise<void> {
      for (let i = 0; i < points.length; i += ROWS_PER_INSERT) {
        const rows = points.slice(i, i + ROWS_PER_INSERT).map((p) => ({
          runId,
          key: p.key,
          value: Number.isNaN(p.value) ? 0 : p.value,
          isNan: Number.isNaN(p.value) ? 1 : 0,
          step: p.step,
          timestampMs: p.timestampMs,
        }))
        await db.insertInto('metrics').values(rows).execute()
      }
    },

    /** Keeps `latest_metrics` at the point with the highest step, then the latest timestamp. */
    async raiseLatest(runId: string, points: StoredPoint[]): Promise<void> {
      const latestByKey = new Map<string, StoredPoint>()
      for (const p of points) {
        const current = latestByKey.get(p.key)
        if (!current || isLater(p, current)) latestByKey.set(p.key, p)
      }
      for (const p of latestByKey.values()) {
        const row = {
          runId,
          key: p.key,
          value: Number.isNaN(p.value) ? 0 : p.value,
          isNan: Number.isNaN(p.value) ? 1 : 0,
          step: p.step,
          timestampMs: p.timestampMs,
        }
        await db
          .insertInto('latestMetrics')
          .values(row)
          .onConflict((oc) =>
            oc
              .columns(['runId', 'key'])
              .doUpdateSet({ value: row.value, isNan: row.isNan, step: row.step, timestampMs: row.timestampMs })
              .where((eb) =>
                eb.or([
                  eb('latestMetrics.step', '<', row.step),
                  eb.and([
                    eb('latestMetrics.step', '=', row.step),
                    eb('latestMetrics.timestampMs', '<=', row.timestampMs),
                  ]),
                ]),
              ),
          )
          .execute()
      }
    },

    async countHistory(runId: string, key: string): Promise<number> {
      const row = await db
        .selectFrom('metrics')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('runId', '=', runId)
        .where('key', '=', key)
        .executeTakeFirstOrThrow()
      return Number(row.count)
    },

    /** Up to `limit` points in (step, timestamp) order, starting after `after`. */
    async history(
      runId: string,
      key: string,
      { after, limit }: { after?: HistoryCursor | undefined; limit: number },
    ): Promise<(HistoryPoint & { id: number })[]> {
      let query = db
        .selectFrom('metrics')
        .select(['id', 'value', 'isNan', 'step', 'timestampMs'])
        .where('runId', '=', runId)
        .where('key', '=', key)
      if (after) {
        query = query.where((eb) =>
          eb.or([
            eb('step', '>', after.step),
            eb.and([eb('step', '=', after.step), eb('timestampMs', '>', after.timestampMs)]),
            eb.and([eb('step', '=', after.step), eb('timestampMs', '=', after.timestampMs), eb('id', '>', after.id)]),
          ]),
        )
      }
      const rows = await query.orderBy('step').orderBy('timestampMs').orderBy('id').limit(limit).execute()
      return rows.map((r) => ({
        id: Number(r.id),
        value: r.isNan ? Number.NaN : Number(r.value),
        step: Number(r.step),
        timestampMs: Number(r.timestampMs),
      }))
    },
  }
}
