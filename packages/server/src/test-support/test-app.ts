import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { DefaultPermission } from '@provena/contract'
import { generateSignerKey } from '../domain/audit/signed-note.js'
import { SYSTEM_CONTEXT } from '../domain/auth/principal.js'
import { buildApp } from '../http/app.js'
import { createServices } from '../services.js'
import type { BlobStore } from '../storage/artifacts/blob-store.js'
import { createLocalBlobStore } from '../storage/artifacts/local-blob-store.js'
import type { DialectKind } from '../storage/db/dialects/dialect-kind.js'
import { migrateToLatest, openDatabase } from '../storage/index.js'
import { createStore } from '../storage/store.js'
import { createTestDatabaseUrl } from './test-databases.js'

/** A migrated store on a new database of `kind`, and a way to close it. */
export async function openTestStore(kind: DialectKind) {
  const url = await createTestDatabaseUrl(kind)
  const database = openDatabase({ url, sqliteSynchronous: 'NORMAL', postgresPoolSize: 4 })
  await migrateToLatest(database.db, database.kind)
  return { url, database, store: createStore(database) }
}

export interface TestAppOptions {
  /** Access control on, with a first admin `admin` whose password is `adminPassword`. */
  auth?: boolean
  defaultPermission?: DefaultPermission
  allowedHosts?: string[] | null
  /** Where artifact bytes go; default: a local store in a new temp directory. */
  blobs?: BlobStore
  /** Webhook hosts allowed although private or loopback (tests receive on 127.0.0.1). */
  webhookAllowedHosts?: string[]
}

/** A local blob store in a new temp directory. */
export function createTestBlobStore(): BlobStore {
  return createLocalBlobStore(mkdtempSync(path.join(tmpdir(), 'provena-test-artifacts-')))
}

export const TEST_ADMIN_PASSWORD = 'admin-password-1'

/** The real app over a new database, for `app.inject()` or a real socket. */
export async function openTestApp(kind: DialectKind, options: TestAppOptions = {}) {
  const { database, store, url } = await openTestStore(kind)
  const signerKey = generateSignerKey('provena-test')
  const blobs = options.blobs ?? createTestBlobStore()
  const services = createServices({
    store,
    blobs,
    signerKey,
    isAuthEnabled: options.auth ?? false,
    defaultPermission: options.defaultPermission ?? 'READ',
    webhookAllowedHosts: options.webhookAllowedHosts ?? [],
  })
  if (options.auth) await services.accounts.bootstrapAdmin(SYSTEM_CONTEXT, TEST_ADMIN_PASSWORD)
  const app = await buildApp(services, { logLevel: 'silent', allowedHosts: options.allowedHosts ?? null })
  return {
    app,
    services,
    database,
    store,
    blobs,
    url,
    signerKey,
    async close() {
      await app.close()
      await database.close()
    },
  }
}
