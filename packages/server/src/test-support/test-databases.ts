import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { inject } from 'vitest'
import type { DialectKind } from '../storage/db/dialects/dialect-kind.js'

/** The dialects every storage-touching suite runs against. */
export function testDialects(): DialectKind[] {
  return ['sqlite', 'postgres']
}

/**
 * A URL of a new, empty database of the given dialect: a SQLite file in a fresh temp folder, or
 * a freshly created PostgreSQL database on the test server. Tests never share rows.
 */
export async function createTestDatabaseUrl(kind: DialectKind): Promise<string> {
  if (kind === 'sqlite') return path.join(mkdtempSync(path.join(tmpdir(), 'provena-test-')), 'provena.db')
  const serverUrl = inject('postgresUrl')
  const name = `provena_test_${randomBytes(6).toString('hex')}`
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(`create database ${name}`)
  } finally {
    await client.end()
  }
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}
