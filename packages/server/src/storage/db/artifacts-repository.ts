import type { Artifact, ArtifactEntry } from '@provena/contract'
import type { Kysely, Selectable } from 'kysely'
import type { DialectKind } from './dialects/dialect-kind.js'
import { decodePageToken, encodePageToken } from './page-token.js'
import type { ArtifactsTable, DB } from './schema.js'

export type ArtifactsRepository = ReturnType<typeof createArtifactsRepository>

/** Where a listing goes on: after a file path (`gt`), or from the first path past a directory (`gte`). */
type Seek = { gt: string } | { gte: string }

const ROWS_PER_QUERY = 500
// IN lists stay far below SQLite's 32,766 bound parameters.
const MAX_KEYS_PER_QUERY = 1000

function isSeek(value: unknown): value is Seek {
  if (typeof value !== 'object' || value === null) return false
  const keys = Object.keys(value)
  return keys.length === 1 && (keys[0] === 'gt' || keys[0] === 'gte') && typeof Object.values(value)[0] === 'string'
}

function toArtifact(row: Selectable<ArtifactsTable>): Artifact {
  return {
    path: row.path,
    sha256: row.sha256,
    sizeBytes: Number(row.sizeBytes),
    createdAtMs: Number(row.createdAtMs),
  }
}

/**
 * The paths of a directory's subtree lie in [`dir/`, `dir0`): '0' is the character after '/', and
 * paths compare bytewise (the column collates "C" on PostgreSQL).
 */
function subtreeRange(dir: string): { lower: string; upper: string | null } {
  return dir === '' ? { lower: '', upper: null } : { lower: `${dir}/`, upper: `${dir}0` }
}

export function createArtifactsRepository(db: Kysely<DB>, kind: DialectKind) {
  function rowsFrom(runId: string, seek: Seek, upper: string | null, limit: number) {
    let query = db.selectFrom('artifacts').selectAll().where('runId', '=', runId)
    query = 'gt' in seek ? query.where('path', '>', seek.gt) : query.where('path', '>=', seek.gte)
    if (upper !== null) query = query.where('path', '<', upper)
    return query.orderBy('path').limit(limit).execute()
  }

  async function find(runId: string, path: string): Promise<Artifact | undefined> {
    const row = await db
      .selectFrom('artifacts')
      .selectAll()
      .where('runId', '=', runId)
      .where('path', '=', path)
      .executeTakeFirst()
    return row && toArtifact(row)
  }

  return {
    find,

    /**
     * Inside a transaction: holds the run's row until commit, so manifest changes of one run (and
     * a change of its status) happen one after another, and the checks that keep the tree a tree
     * (no file below a file) see each other's rows. SQLite has one writer at a time already.
     */
    async lockRun(runId: string): Promise<void> {
      if (kind === 'postgres') await db.selectFrom('runs').select('id').where('id', '=', runId).forUpdate().execute()
    },

    /** Which of `paths` are files of the run. */
    async filesAmong(runId: string, paths: string[]): Promise<string[]> {
      if (paths.length === 0) return []
      const rows = await db
        .selectFrom('artifacts')
        .select('path')
        .where('runId', '=', runId)
        .where('path', 'in', paths)
        .execute()
      return rows.map((row) => row.path)
    },

    /** Whether any file of the run lies below the directory `dir`. */
    async hasFilesUnder(runId: string, dir: string): Promise<boolean> {
      const { lower, upper } = subtreeRange(dir)
      const rows = await rowsFrom(runId, { gte: lower }, upper, 1)
      return rows.length > 0
    },

    /** Adds the file, or points an existing path at new bytes. */
    async put(runId: string, artifact: Artifact): Promise<void> {
      const values = { runId, ...artifact }
      await db
        .insertInto('artifacts')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['runId', 'path']).doUpdateSet({
            sha256: artifact.sha256,
            sizeBytes: artifact.sizeBytes,
            createdAtMs: artifact.createdAtMs,
          }),
        )
        .execute()
    },

    /** Removes one file, or every file below a directory; returns what was removed. */
    async delete(runId: string, path: string): Promise<Artifact[]> {
      const file = await db
        .deleteFrom('artifacts')
        .where('runId', '=', runId)
        .where('path', '=', path)
        .returningAll()
        .execute()
      if (file.length > 0) return file.map(toArtifact)
      const { lower, upper } = subtreeRange(path)
      let query = db.deleteFrom('artifacts').where('runId', '=', runId).where('path', '>=', lower)
      if (upper !== null) query = query.where('path', '<', upper)
      return (await query.returningAll().execute()).map(toArtifact)
    },

    /**
     * One page of a directory: its files and subdirectories in byte order of their names. A
     * subdirectory is listed once, however many files it holds, by seeking past its subtree.
     */
    async listDirectory(
      runId: string,
      dir: string,
      { maxResults, pageToken }: { maxResults: number; pageToken?: string | undefined },
    ): Promise<{ entries: ArtifactEntry[]; nextPageToken: string | null }> {
      const { lower, upper } = subtreeRange(dir)
      let seek: Seek = pageToken === undefined ? { gte: lower } : decodePageToken(pageToken, isSeek)
      const entries: ArtifactEntry[] = []
      for (;;) {
        const rows = await rowsFrom(runId, seek, upper, ROWS_PER_QUERY)
        let skipPrefix: string | null = null
        for (const row of rows) {
          if (skipPrefix !== null && row.path.startsWith(skipPrefix)) continue
          if (entries.length === maxResults) return { entries, nextPageToken: encodePageToken(seek) }
          const rest = row.path.slice(lower.length)
          const slash = rest.indexOf('/')
          if (slash < 0) {
            const { sizeBytes, sha256 } = row
            entries.push({ name: rest, path: row.path, isDir: false, sizeBytes: Number(sizeBytes), sha256 })
            seek = { gt: row.path }
            skipPrefix = null
          } else {
            const subdir = `${lower}${rest.slice(0, slash)}`
            entries.push({ name: rest.slice(0, slash), path: subdir, isDir: true, sizeBytes: null, sha256: null })
            seek = { gte: `${subdir}0` }
            skipPrefix = `${subdir}/`
          }
        }
        // A short page means every remaining row was listed or skipped.
        if (rows.length < ROWS_PER_QUERY) return { entries, nextPageToken: null }
      }
    },

    /** The files of a subtree (the whole run for ''), in path order, a page at a time. */
    async *filesUnder(runId: string, dir: string): AsyncGenerator<Artifact> {
      const { lower, upper } = subtreeRange(dir)
      const exact = dir === '' ? undefined : await find(runId, dir)
      if (exact) {
        yield exact
        return
      }
      let seek: Seek = { gte: lower }
      for (;;) {
        const rows = await rowsFrom(runId, seek, upper, ROWS_PER_QUERY)
        for (const row of rows) yield toArtifact(row)
        if (rows.length < ROWS_PER_QUERY) return
        seek = { gt: (rows.at(-1) as Selectable<ArtifactsTable>).path }
      }
    },

    /** The distinct blobs the manifests name (of one run, or of all), with their size, in digest order. */
    async *referencedBlobs(runId?: string): AsyncGenerator<{ sha256: string; sizeBytes: number }> {
      let after = ''
      for (;;) {
        let query = db
          .selectFrom('artifacts')
          .select(['sha256', (eb) => eb.fn.max('sizeBytes').as('sizeBytes')])
          .where('sha256', '>', after)
        if (runId !== undefined) query = query.where('runId', '=', runId)
        const rows = await query.groupBy('sha256').orderBy('sha256').limit(ROWS_PER_QUERY).execute()
        for (const row of rows) yield { sha256: row.sha256, sizeBytes: Number(row.sizeBytes) }
        if (rows.length < ROWS_PER_QUERY) return
        after = (rows.at(-1) as { sha256: string }).sha256
      }
    },

    /** How many distinct blobs referencedBlobs yields. */
    async countReferencedBlobs(runId?: string): Promise<number> {
      let query = db
        .selectFrom('artifacts')
        .select((eb) => eb.fn.count<number | string>('sha256').distinct().as('count'))
      if (runId !== undefined) query = query.where('runId', '=', runId)
      return Number((await query.executeTakeFirstOrThrow()).count)
    },

    /** Up to 10 run files stored as the blob, to name in a report. */
    async pathsOfBlob(sha256: string): Promise<{ runId: string; path: string }[]> {
      return db.selectFrom('artifacts').select(['runId', 'path']).where('sha256', '=', sha256).limit(10).execute()
    },

    /** Which of the digests a manifest or a pin still refers to. */
    async referencedAmong(digests: string[]): Promise<Set<string>> {
      const referenced = new Set<string>()
      for (let i = 0; i < digests.length; i += MAX_KEYS_PER_QUERY) {
        const chunk = digests.slice(i, i + MAX_KEYS_PER_QUERY)
        const rows = await db
          .selectFrom('artifacts')
          .select('sha256')
          .where('sha256', 'in', chunk)
          .union(db.selectFrom('blobPins').select('sha256').where('sha256', 'in', chunk))
          .execute()
        for (const row of rows) referenced.add(row.sha256)
      }
      return referenced
    },

    /** Drops every pin of `owner` (a model version being deleted): its blobs may be collected again. */
    async unpinOwner(owner: { type: string; id: string }): Promise<void> {
      await db.deleteFrom('blobPins').where('ownerType', '=', owner.type).where('ownerId', '=', owner.id).execute()
    },

    /** Keeps a blob from garbage collection for as long as `owner` exists (model versions, datasets). */
    async pin(sha256: string, owner: { type: string; id: string }, nowMs: number): Promise<void> {
      await db
        .insertInto('blobPins')
        .values({ sha256, ownerType: owner.type, ownerId: owner.id, createdAtMs: nowMs })
        .onConflict((oc) => oc.doNothing())
        .execute()
    },
  }
}
