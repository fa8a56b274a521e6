import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import { datasetDigest } from '@provena/data'
import { type RequestContext, SYSTEM_CONTEXT } from '../domain/auth/principal.js'
import type { Services } from '../services.js'
import type { Store } from '../storage/store.js'

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const commitHash = () => randomBytes(20).toString('hex')

/** A dataset version registration of one small file (not stored: only hashes). */
function datasetBody(text: string) {
  const files = [{ path: 'data.csv', sizeBytes: Buffer.byteLength(text), sha256: sha256(text) }]
  return {
    source: '/data/churn',
    format: 'other' as const,
    files,
    digest: datasetDigest(files),
    schema: null,
    profile: null,
    isStored: false,
  }
}

/**
 * The pipeline the lineage tests query: dataset D (versions 1, 2) -> training run R1 (code C1)
 * -> model M v1 -> fine-tuning run R2 (also reads D@2, code C2) -> model M v2 (@champion,
 * protected); an external feature pipeline produced D@1. `owner` is given MANAGE on all of it
 * and records the model input, the external node and its edge (so it is their creator).
 */
export async function buildLineagePipeline(t: { services: Services; store: Store }, owner: RequestContext) {
  if (owner.principal.kind !== 'user') throw new Error('the owner must be a user')
  const ownerId = owner.principal.userId
  const u = randomUUID().slice(0, 8)
  const s = t.services
  const ctx = SYSTEM_CONTEXT
  const experiment = await s.experiments.create(ctx, { name: `lineage-${u}` })
  const dataset = `churn-${u}`
  const d1 = (await s.datasets.register(ctx, dataset, datasetBody(`v1 ${u}`))).datasetVersion
  const d2 = (await s.datasets.register(ctx, dataset, datasetBody(`v2 ${u}`))).datasetVersion
  const model = `churn-model-${u}`
  await s.models.create(ctx, { name: model })
  await t.store.transaction(async (tx) => {
    await tx.permissions.grant('experiment', experiment.id, ownerId, 'MANAGE')
    await tx.permissions.grant('dataset', dataset, ownerId, 'MANAGE')
    await tx.permissions.grant('registered_model', model, ownerId, 'MANAGE')
  })
  const c1 = commitHash()
  const c2 = commitHash()
  const r1 = await s.runs.create(ctx, {
    experimentId: experiment.id,
    status: 'RUNNING',
    tags: { 'mlflow.source.git.commit': c1, 'mlflow.source.git.repoURL': 'https://example.com/acme/churn.git' },
  })
  await s.datasetUsage.logInput(ctx, r1.id, { name: dataset, version: 1, context: 'training' })
  await s.artifacts.upload(ctx, r1.id, 'model.bin', Readable.from([Buffer.from(`m1 ${u}`)]))
  await s.models.registerVersion(ctx, model, { source: `runs:/${r1.id}/model.bin` })
  await s.runs.update(ctx, r1.id, { status: 'FINISHED' })

  const r2 = await s.runs.create(ctx, { experimentId: experiment.id, status: 'RUNNING' })
  await s.runs.setTag(ctx, r2.id, 'mlflow.source.git.commit', c2)
  await s.lineageEdits.logModelInput(owner, r2.id, { model: `models:/${model}/1`, context: 'fine-tuning' })
  await s.datasetUsage.logInput(ctx, r2.id, { name: dataset, version: 2, context: 'training' })
  await s.artifacts.upload(ctx, r2.id, 'model.bin', Readable.from([Buffer.from(`m2 ${u}`)]))
  await s.models.registerVersion(ctx, model, { source: `runs:/${r2.id}/model.bin` })
  await s.aliases.set(ctx, model, 'champion', { version: 2 })
  await s.aliases.protect(ctx, model, 'champion', true)

  const feed = await s.lineageEdits.createExternalNode(owner, {
    namespace: 'feast',
    name: `features/churn-${u}`,
    properties: { url: 'https://feast.example.com' },
  })
  await s.lineageEdits.addEdge(owner, { source: feed.ref, target: `datasets:/${dataset}@1`, type: 'output' })

  const versionId = async (n: number) => {
    const found = await t.store.models.findModel(model)
    const version = found && (await t.store.models.findVersion(found, n))
    if (!version) throw new Error(`no version ${n}`)
    return version.id
  }
  return {
    u,
    dataset,
    model,
    experiment,
    keys: {
      d1: `dataset_version:${d1.id}`,
      d2: `dataset_version:${d2.id}`,
      r1: `run:${r1.id}`,
      r2: `run:${r2.id}`,
      m1: `model_version:${await versionId(1)}`,
      m2: `model_version:${await versionId(2)}`,
      c1: `code_version:${c1}`,
      c2: `code_version:${c2}`,
      feed: `external:${feed.id}`,
    },
    ids: { r1: r1.id, r2: r2.id },
    feedRef: feed.ref,
  }
}
