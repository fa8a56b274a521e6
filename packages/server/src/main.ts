import { existsSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { ConfigError, type ServerConfig } from './config.js'
import { generateSignerKey } from './domain/audit/signed-note.js'
import { SYSTEM_CONTEXT } from './domain/auth/principal.js'
import { tuneGarbageCollection } from './gc-tuning.js'
import { buildApp } from './http/app.js'
import { sendWebhook } from './http/webhook-sender.js'
import { type IngestThread, startIngestThread } from './ingest-thread.js'
import { createServices } from './services.js'
import { openBlobStore } from './storage/artifacts/open-blob-store.js'
import { dialectOf, migrateToLatest, openDatabase } from './storage/index.js'
import { readOrCreateKeyFile } from './storage/key-file.js'
import { createStore } from './storage/store.js'

export interface RunningServer {
  url: string
  /** Where metadata lives: the SQLite file, or the PostgreSQL URL without its password. */
  databaseLocation: string
  /** Where artifact bytes live: a directory or an s3:// URL. */
  artifactsLocation: string
  isAuthEnabled: boolean
  /** Whether the web UI is built, so that `/` shows it (else `/` says how to build it). */
  isWebUiBuilt: boolean
  /** Set on the first start with auth on: the first admin, and their password if it was generated. */
  initialAdmin: { username: string; password: string | null } | null
  /** The public key that verifies audit checkpoints. */
  auditVerifierKey: string
  /** Stops accepting connections, finishes in-flight requests, closes the database. */
  close(): Promise<void>
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/
const AUDIT_KEY_FILE = 'audit-signing.key'

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

/** The audit signing key: given in the configuration, or kept in the data dir (created at first start). */
export function auditSignerKey(config: Pick<ServerConfig, 'auditSigningKey' | 'dataDir'>): string {
  return (
    config.auditSigningKey ??
    readOrCreateKeyFile(path.join(config.dataDir, AUDIT_KEY_FILE), () => generateSignerKey('provena-audit'))
  )
}

function checkBindingIsSafe(config: ServerConfig): void {
  if (LOOPBACK.test(config.host) || config.auth || config.insecureNoAuth) return
  throw new ConfigError(
    `refusing to listen on ${config.host} without authentication: turn it on with --auth (PROVENA_AUTH=on), ` +
      'bind to a loopback address (--host 127.0.0.1), or pass --insecure-no-auth (PROVENA_INSECURE_NO_AUTH=1) on a trusted network',
  )
}

/** How often the outbox of webhook deliveries is checked for due ones. */
const WEBHOOK_POLL_MS = 2000

/** Opens the database, migrates it, and serves the API until `close()`. */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  checkBindingIsSafe(config)
  tuneGarbageCollection()
  const signerKey = auditSignerKey(config)
  let ingest: IngestThread | undefined
  const database = openDatabase({
    url: config.db,
    sqliteSynchronous: config.sqliteSynchronous,
    sqliteCheckpoints: 'background',
    onBackgroundCheckpointFailure: (reason) => {
      process.emitWarning(`background checkpoints of the SQLite log stopped (${reason}); commits checkpoint it again`)
      ingest?.checkpointInCommits()
    },
  })
  const blobs = openBlobStore(config.artifacts)
  try {
    await migrateToLatest(database.db, database.kind)
    ingest =
      database.kind === 'sqlite' && database.sqlite?.memory === false
        ? startIngestThread({
            db: config.db,
            defaultPermission: config.defaultPermission,
            syncCommits: database.syncCommits,
            onFailure: (reason) =>
              process.emitWarning(
                `the metric ingestion thread stopped (${reason}); batches are applied in the main thread`,
              ),
          })
        : undefined
    const services = createServices({
      routeLogBatch:
        ingest === undefined
          ? undefined
          : (inProcess) => (ctx, runId, batch) => (ingest as IngestThread).logBatch(ctx, runId, batch, inProcess),
      store: createStore(database),
      blobs,
      signerKey,
      isAuthEnabled: config.auth,
      defaultPermission: config.defaultPermission,
      webhookAllowedHosts: config.webhookAllowedHosts,
    })
    const initialAdmin = config.auth
      ? await services.accounts.bootstrapAdmin(SYSTEM_CONTEXT, config.adminPassword)
      : null
    const app = await buildApp(services, {
      logLevel: config.logLevel,
      allowedHosts: config.allowedHosts,
      webDir: config.webDir,
    })
    const timer = setInterval(() => {
      services.audit
        .checkpointIfDue({ everyEvents: config.checkpointEvery, everyMs: config.checkpointMinutes * 60_000 })
        .catch((error: unknown) => app.log.error({ err: error }, 'signing an audit checkpoint failed'))
    }, 30_000)
    timer.unref()
    const dispatcher = services.webhookDispatcher(sendWebhook)
    let isDelivering = false
    const deliveries = setInterval(() => {
      if (isDelivering) return
      isDelivering = true
      dispatcher
        .deliverDue()
        .catch((error: unknown) => app.log.error({ err: error }, 'delivering webhooks failed'))
        .finally(() => {
          isDelivering = false
        })
    }, WEBHOOK_POLL_MS)
    deliveries.unref()
    await app.listen({ host: config.host, port: config.port })
    const { port, address, family } = app.server.address() as AddressInfo
    const host = family === 'IPv6' ? `[${address}]` : address
    return {
      url: `http://${host}:${port}`,
      databaseLocation: redactDatabaseUrl(config.db),
      artifactsLocation: blobs.location,
      isAuthEnabled: config.auth,
      isWebUiBuilt: existsSync(path.join(config.webDir, 'index.html')),
      initialAdmin,
      auditVerifierKey: services.audit.verifierKey,
      async close() {
        clearInterval(timer)
        clearInterval(deliveries)
        await app.close()
        await ingest?.close()
        await database.close()
        blobs.close()
      },
    }
  } catch (error) {
    await ingest?.close()
    await database.close()
    blobs.close()
    throw error
  }
}
