import { existsSync, mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../database.js'
import { startBackgroundCheckpointer } from './sqlite-checkpointer.js'

const ROWS = 2_000
const ROW_BYTES = 4_096

function newFile(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'provena-checkpoint-')), 'provena.db')
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('background checkpoints (SQLite)', () => {
  it('copies the log into the database file from its own thread, and closes cleanly', async () => {
    const file = newFile()
    const database = openDatabase({ url: file, sqliteSynchronous: 'FULL', sqliteCheckpoints: 'background' })
    const sqlite = database.sqlite as Database.Database
    // Kysely opens its connection at the first query, and closes it on close only if opened.
    await sql`select 1`.execute(database.db)
    // The writing connection never checkpoints itself: what reaches the file is the thread's work.
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0)
    sqlite.exec('create table blobs (id integer primary key, bytes blob not null)')
    const insert = sqlite.prepare('insert into blobs (bytes) values (?)')
    for (let i = 0; i < ROWS; i += 100) {
      sqlite.transaction(() => {
        for (let j = 0; j < 100; j++) insert.run(Buffer.alloc(ROW_BYTES, (i + j) % 251))
      })()
    }
    await until(() => statSync(file).size > ROWS * ROW_BYTES)

    await database.close()
    // Closed last, the main connection checkpointed the rest and removed the log: no other
    // connection was left open.
    expect(existsSync(`${file}-wal`)).toBe(false)
    const reopened = new Database(file, { readonly: true })
    const { count, total } = reopened
      .prepare('select count(*) as count, sum(length(bytes)) as total from blobs')
      .get() as {
      count: number
      total: number
    }
    reopened.close()
    expect({ count, total }).toEqual({ count: ROWS, total: ROWS * ROW_BYTES })
  })

  it('reports the frames it copied when stopped', async () => {
    const file = newFile()
    const writer = new Database(file)
    writer.pragma('journal_mode = WAL')
    writer.pragma('wal_autocheckpoint = 0')
    writer.exec('create table t (x blob)')
    const checkpointer = startBackgroundCheckpointer(file, () => {})
    writer.prepare('insert into t values (?)').run(Buffer.alloc(64 * 1024))
    await until(() => statSync(file).size > 64 * 1024)
    expect(await checkpointer.stop()).toBeGreaterThan(0)
    writer.close()
  })

  it('tells its owner when it cannot work, so that SQLite checkpoints in commits again', async () => {
    const failures: string[] = []
    startBackgroundCheckpointer(path.join(tmpdir(), 'provena-no-such-dir', 'missing.db'), (reason) =>
      failures.push(reason),
    )
    await until(() => failures.length > 0)
    expect(failures[0]).toMatch(/unable to open|does not exist|no such file/i)
  })
})
