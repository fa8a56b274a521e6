import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { startEmbeddedPostgres } from '../../scripts/embedded-postgres.mjs'

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
    const server = await startEmbeddedPostgres({ dirPrefix: 'provena-bench-pg-', flags: ['-c', 'max_connections=200'] })
    serverUrl = server.url
    stopServer = server.stop
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
