import { lookup } from 'node:dns/promises'
import type { DefaultPermission } from '@provena/contract'
import { createArtifactsMaintenance } from './domain/artifacts/artifacts-maintenance.js'
import { createArtifactsService } from './domain/artifacts/artifacts-service.js'
import { createAuditLog } from './domain/audit/audit-log.js'
import { createAuditService } from './domain/audit/audit-service.js'
import { createAccountsService } from './domain/auth/accounts-service.js'
import { createAuthentication } from './domain/auth/authentication.js'
import { createAuthorizer } from './domain/auth/authorizer.js'
import { createPermissionsService } from './domain/auth/permissions-service.js'
import { type Clock, type IdGenerator, randomIds, systemClock } from './domain/clock.js'
import { createDatasetUsageService } from './domain/datasets/dataset-usage-service.js'
import { createDatasetsService } from './domain/datasets/datasets-service.js'
import { createDriftService } from './domain/datasets/drift-service.js'
import { createExperimentsService } from './domain/experiments/experiments-service.js'
import { createImportService } from './domain/import/import-service.js'
import { createLineageEditsService } from './domain/lineage/lineage-edits-service.js'
import { createLineageService } from './domain/lineage/lineage-service.js'
import { createMetricsService, type MetricsService } from './domain/metrics/metrics-service.js'
import { createAliasesService } from './domain/registry/aliases-service.js'
import { createCompareVersions } from './domain/registry/compare-versions.js'
import { createModelCards } from './domain/registry/model-cards.js'
import { createModelLifecycle } from './domain/registry/model-lifecycle.js'
import { createModelsService } from './domain/registry/models-service.js'
import { createPromotionsService } from './domain/registry/promotions-service.js'
import { createRegistrySearchService } from './domain/registry/registry-search.js'
import { createWebhookDispatcher, type SendWebhook } from './domain/registry/webhook-dispatcher.js'
import type { ResolveHost } from './domain/registry/webhook-targets.js'
import { createRegistryEvents, createWebhooksService } from './domain/registry/webhooks-service.js'
import { createRunLocations } from './domain/runs/run-locations.js'
import { createRunsService } from './domain/runs/runs-service.js'
import { createRunSearchService } from './domain/search/run-search-service.js'
import type { BlobStore } from './storage/artifacts/blob-store.js'
import type { Store } from './storage/store.js'

export interface ServicesOptions {
  store: Store
  /** Where artifact bytes live: a local directory or S3-compatible storage. */
  blobs: BlobStore
  /** The Ed25519 signer key for audit checkpoints (C2SP note key format). */
  signerKey: string
  isAuthEnabled?: boolean
  defaultPermission?: DefaultPermission
  clock?: Clock
  ids?: IdGenerator
  /** Hosts webhooks may reach although they resolve to private or loopback addresses. */
  webhookAllowedHosts?: readonly string[]
  /** How webhook host names are resolved (default: the system resolver). */
  resolveHost?: ResolveHost
  /**
   * Where metric batches are applied: given the in-process logBatch, the one to use instead (the
   * server's ingestion thread on SQLite, ingest-thread.ts, which falls back to it).
   */
  routeLogBatch?: (inProcess: MetricsService['logBatch']) => MetricsService['logBatch']
}

/** The system resolver, every address of a name. */
const systemResolveHost: ResolveHost = async (host) => (await lookup(host, { all: true })).map((a) => a.address)

function withLogBatch(metrics: MetricsService, route: ServicesOptions['routeLogBatch']): MetricsService {
  return route === undefined ? metrics : { ...metrics, logBatch: route(metrics.logBatch) }
}

/** Every domain service, built over one store. */
export function createServices(options: ServicesOptions) {
  const {
    store,
    blobs,
    signerKey,
    isAuthEnabled = false,
    defaultPermission = 'READ',
    clock = systemClock,
    ids = randomIds,
    webhookAllowedHosts = [],
    resolveHost = systemResolveHost,
  } = options
  const audit = createAuditLog({ clock })
  const authorizer = createAuthorizer({ defaultPermission })
  const authentication = createAuthentication({ store, clock, audit })
  const events = createRegistryEvents({ clock, ids })
  const models = createModelsService({ store, blobs, clock, ids, audit, authorizer, events })
  const runs = createRunsService({ store, clock, ids, audit, authorizer })
  const datasetUsage = createDatasetUsageService({ store, clock, audit, authorizer })
  return {
    store,
    isAuthEnabled,
    authentication,
    experiments: createExperimentsService({ store, clock, audit, authorizer }),
    runs,
    metrics: withLogBatch(createMetricsService({ store, clock, audit, authorizer }), options.routeLogBatch),
    runSearch: createRunSearchService({ store, authorizer }),
    accounts: createAccountsService({ store, clock, audit, authorizer, authentication }),
    permissions: createPermissionsService({ store, audit, authorizer }),
    audit: createAuditService({ store, clock, authorizer, signerKey }),
    artifacts: createArtifactsService({ store, blobs, clock, audit, authorizer }),
    artifactsMaintenance: createArtifactsMaintenance({ store, blobs, clock, audit, authorizer }),
    datasets: createDatasetsService({ store, blobs, clock, ids, audit, authorizer }),
    datasetUsage,
    lineage: createLineageService({ store, authorizer }),
    lineageEdits: createLineageEditsService({ store, clock, ids, audit, authorizer }),
    drift: createDriftService({ store, authorizer, resolveModel: (ctx, uri) => models.resolve(ctx, uri) }),
    models,
    imports: createImportService({ store, blobs, clock, ids, audit, authorizer }),
    aliases: createAliasesService({ store, clock, audit, authorizer, events }),
    modelLifecycle: createModelLifecycle({ store, clock, audit, authorizer }),
    registrySearch: createRegistrySearchService({ store, authorizer }),
    runLocations: createRunLocations({ store, authorizer }),
    promotions: createPromotionsService({ store, clock, ids, audit, authorizer, events }),
    /** The sender of webhook deliveries, over `send` (the server's is http/webhook-sender.ts). */
    webhookDispatcher: (send: SendWebhook) =>
      createWebhookDispatcher({ store, clock, send, allowedHosts: webhookAllowedHosts, resolveHost }),
    webhooks: createWebhooksService({
      store,
      clock,
      ids,
      audit,
      authorizer,
      allowedHosts: webhookAllowedHosts,
      resolveHost,
    }),
    modelCards: createModelCards({
      store,
      clock,
      audit,
      authorizer,
      getRun: (ctx, runId) => runs.get(ctx, runId),
      runDatasets: (ctx, runId) => datasetUsage.runDatasets(ctx, runId),
    }),
    compareVersions: createCompareVersions({
      store,
      authorizer,
      getRun: (ctx, runId) => runs.get(ctx, runId),
      runDatasets: (ctx, runId) => datasetUsage.runDatasets(ctx, runId),
    }),
  }
}

export type Services = ReturnType<typeof createServices>
