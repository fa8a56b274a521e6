import type { AddressInfo } from 'node:net'
import { ConfigError, type ServerConfig } from './config.js'
import { buildApp } from './http/app.js'
import { createServices } from './services.js'
import { dialectOf, migrateToLatest, openDatabase } from './storage/index.js'
import { createStore } from './storage/store.js'

export interface RunningServer {
  url: string
  /** Where metadata lives: the SQLite file, or the PostgreSQL URL without its password. */
  databaseLocation: string
  isAuthEnabled: boolean
  /** Stops accepting connections, finishes in-flight requests, closes the database. */
  close(): Promise<void>
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/

/** The database location to show people: a PostgreSQL URL loses its password. */
export function redactDatabaseUrl(url: string): string {
  if (dialectOf(url) !== 'postgres') return url
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'postgres://(unparseable url)'
  }
}

/** Runs the migrations of the configured database and closes it. */
export async function migrateDatabase(config: Pick<ServerConfig, 'db' | 'sqliteSynchronous'>): Promise<string[]> {
  const database = openDatabase({ url: config.db, sqliteSynchronous: config.sqliteSynchronous })
  try {
    return await migrateToLatest(database.db, database.kind)
  } finally {
    await database.close()
  }
}

/** Opens the database, migrates it, and serves the API until `close()`. */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  if (!LOOPBACK.test(config.host) && !config.insecureNoAuth) {
    throw new ConfigError(
      `refusing to listen on ${config.host} without authentication: access control is not available yet, ` +
        'so bind to a loopback address (--host 127.0.0.1) or pass --insecure-no-auth (PROVENA_INSECURE_NO_AUTH=1) on a trusted network',
    )
  }
  const database = openDatabase({ url: config.db, sqliteSynchronous: config.sqliteSynchronous })
  try {
    await migrateToLatest(database.db, database.kind)
    const services = createServices({ store: createStore(database.db, database.kind) })
    const app = await buildApp(services, { logLevel: config.logLevel })
    await app.listen({ host: config.host, port: config.port })
    const { port, address, family } = app.server.address() as AddressInfo
    const host = family === 'IPv6' ? `[${address}]` : address
    return {
      url: `http://${host}:${port}`,
      databaseLocation: redactDatabaseUrl(config.db),
      isAuthEnabled: false,
      async close() {
        await app.close()
        await database.close()
      },
    }
  } catch (error) {
    await database.close()
    throw error
  }
}
