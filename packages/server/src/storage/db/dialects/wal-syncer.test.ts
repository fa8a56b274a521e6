import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createStore } from '../../store.js'
import { openDatabase } from '../database.js'
import { migrateToLatest } from '../migrator.js'
import { coalesceFlushes } from './wal-syncer.js'

/** A flush the test finishes by hand, recording when each one started. */
function manualFlushes() {
  const started: { finish(error?: Error): void }[] = []
  const flush = () =>
    new Promise<void>((resolve, reject) => {
      started.push({ finish: (error) => (error ? reject(error) : resolve()) })
    })
  return { started, flush }
}

const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('coalesceFlushes', () => {
  it('answers callers that came during a flush with the next one, shared between them', async () => {
    const { started, flush } = manualFlushes()
    const sync = coalesceFlushes(flush)
    const done: string[] = []

    const first = sync().then(() => done.push('first'))
    const second = sync().then(() => done.push('second'))
    const third = sync().then(() => done.push('third'))
    await settle()
    expect(started).toHaveLength(1)

    started[0]?.finish()
    await first
    await settle()
    // The first flush may have begun before the later callers' commits, so they wait for a second one.
    expect(done).toEqual(['first'])
    expect(started).toHaveLength(2)

    started[1]?.finish()
    await Promise.all([second, third])
    expect(done).toEqual(['first', 'second', 'third'])
    expect(started).toHaveLength(2)
  })

  it('fails the callers of a failed flush, and flushes afresh for the next caller', async () => {
    const { started, flush } = manualFlushes()
    const sync = coalesceFlushes(flush)

    const failing = sync()
    await settle()
    started[0]?.finish(new Error('disk full'))
    await expect(failing).rejects.toThrow('disk full')

    const next = sync()
    await settle()
    expect(started).toHaveLength(2)
    started[1]?.finish()
    await expect(next).resolves.toBeUndefined()
  })
})

describe('SQLite commits with synchronous FULL', () => {
  it('are flushed after each transaction, through the -wal file, and read back', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'provena-wal-')), 'provena.db')
    const database = openDatabase({ url: file, sqliteSynchronous: 'FULL' })
    try {
      await migrateToLatest(database.db, database.kind)
      expect(database.syncCommits).not.toBeNull()
      const store = createStore(database)

      await Promise.all(
        ['a', 'b', 'c'].map((name) =>
          store.transaction((tx) => tx.experiments.insert({ name, description: null, tags: {}, nowMs: 1 })),
        ),
      )

      expect(existsSync(`${file}-wal`)).toBe(true)
      expect(
        (await store.experiments.list({ view: 'active', limit: 10, offset: 0 })).map((e) => e.name).sort(),
      ).toEqual(['Default', 'a', 'b', 'c'])
    } finally {
      await database.close()
    }
  })

  it('are acknowledged only once the flush after the commit has finished', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'provena-wal-')), 'provena.db')
    const database = openDatabase({ url: file, sqliteSynchronous: 'FULL' })
    try {
      await migrateToLatest(database.db, database.kind)
      const { started, flush } = manualFlushes()
      const store = createStore({ ...database, syncCommits: coalesceFlushes(flush) })
      let isAcknowledged = false

      const write = store
        .transaction((tx) => tx.experiments.insert({ name: 'late', description: null, tags: {}, nowMs: 1 }))
        .then(() => {
          isAcknowledged = true
        })
      await settle()
      // Committed (another reader sees it) but not acknowledged while the flush is running.
      expect(started).toHaveLength(1)
      expect(await store.experiments.findByName('late')).toBeDefined()
      expect(isAcknowledged).toBe(false)

      started[0]?.finish()
      await write
      expect(isAcknowledged).toBe(true)
    } finally {
      await database.close()
    }
  })

  it('are left to SQLite with synchronous NORMAL, which flushes at checkpoints only', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'provena-wal-')), 'provena.db')
    const database = openDatabase({ url: file, sqliteSynchronous: 'NORMAL' })
    expect(database.syncCommits).toBeNull()
    return database.close()
  })
})
