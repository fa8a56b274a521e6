import { buildApp } from '../http/app.js'
import { createServices } from '../services.js'
import type { DialectKind } from '../storage/db/dialects/dialect-kind.js'
import { migrateToLatest, openDatabase } from '../storage/index.js'
import { createStore } from '../storage/store.js'
import { createTestDatabaseUrl } from './test-databases.js'

/** A migrated store on a new database of `kind`, and a way to close it. */
export async function openTestStore(kind: DialectKind) {
  const url = await createTestDatabaseUrl(kind)
  const database = openDatabase({ url, sqliteSynchronous: 'NORMAL', postgresPoolSize: 4 })
  await migrateToLatest(database.db, database.kind)
  return { url, database, store: createStore(database.db, database.kind) }
}

/** The real app over a new database, for `app.inject()` or a real socket. */
export async function openTestApp(kind: DialectKind) {
  const { database, store, url } = await openTestStore(kind)
  const services = createServices({ store })
  const app = await buildApp(services, { logLevel: 'silent' })
  return {
    app,
    services,
    database,
    url,
    async close() {
      await app.close()
      await database.close()
    },
  }
}
