import { createHash, randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import type { DatasetVersion, Experiment, PermissionLevel, Run } from '@provena/contract'
import { datasetDigest } from '@provena/data'
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { SYSTEM_CONTEXT } from '../domain/auth/principal.js'
import type { Services } from '../services.js'
import type { RecordedRoute } from '../test-support/route-recorder.js'
import { openTestApp } from '../test-support/test-app.js'
import { testDialects } from '../test-support/test-databases.js'
import { type AccessPolicy, registerAccessControl } from './access-control.js'

// Every Fastify instance built in this file records the routes it registers (see route-recorder.ts).
const recorded = vi.hoisted((): RecordedRoute[] => [])
vi.mock('fastify', async (importOriginal) => {
  const { recordingFastify } = await import('../test-support/route-recorder.js')
  return recordingFastify(await importOriginal(), recorded)
})

/**
 * Who calls: nobody signed in; a user without any grant (the default permission is NONE); users
 * holding READ, EDIT or MANAGE on the experiment the request is about; an instance admin.
 */
const CALLERS = ['anonymous', 'none', 'read', 'edit', 'manage', 'admin'] as const
type Caller = (typeof CALLERS)[number]
type Statuses = [anonymous: number, none: number, read: number, edit: number, manage: number, admin: number]

/**
 * One cell of the matrix: a unique suffix, and fresh objects (made on first use) so a destructive
 * call cannot change another cell.
 */
interface Case {
  services: Services
  unique: string
  objects(): Promise<{ experiment: Experiment; run: Run; datasetVersion: DatasetVersion; model: string }>
}

interface Entry {
  access: AccessPolicy
  expected: Statuses
  /** A valid request for the route about the case's objects; may first bring them into the needed state. */
  request(c: Case): MatrixRequest | Promise<MatrixRequest>
}

/** A JSON `body`, or `bytes` sent raw as application/octet-stream (artifact uploads). */
type MatrixRequest = { url: string; body?: object; bytes?: string }

const PASSWORD = 'matrix-password-1'
const GRANTS: [username: string, level: PermissionLevel][] = [
  ['reader', 'READ'],
  ['editor', 'EDIT'],
  ['manager', 'MANAGE'],
]

const entry = (access: AccessPolicy, expected: Statuses, request: Entry['request']): Entry => ({
  access,
  expected,
  request,
})
const exp = async (c: Case) => `/api/v1/experiments/${(await c.objects()).experiment.id}`
const run = async (c: Case) => `/api/v1/runs/${(await c.objects()).run.id}`
/** The case's run with one artifact, `model.bin`, stored. */
const runWithArtifact = async (c: Case) => {
  const { run: seeded } = await c.objects()
  await c.services.artifacts.upload(SYSTEM_CONTEXT, seeded.id, 'model.bin', Readable.from([Buffer.from('weights')]))
  return `/api/v1/runs/${seeded.id}`
}
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
/** A registration of one small file (`format: other`, an empty profile so that drift has something). */
const datasetBody = (text: string) => {
  const files = [{ path: 'data.bin', sizeBytes: Buffer.byteLength(text), sha256: sha256(text) }]
  return {
    source: '/data/matrix',
    format: 'other' as const,
    files,
    digest: datasetDigest(files),
    schema: null,
    profile: { rowCount: 0, columns: [], filesProfiled: 0, warnings: [] },
  }
}
const dataset = async (c: Case) => `/api/v1/datasets/${(await c.objects()).datasetVersion.datasetName}`
const datasetRef = async (c: Case) => {
  const { datasetVersion } = await c.objects()
  return { name: datasetVersion.datasetName, version: datasetVersion.version }
}
const model = async (c: Case) => `/api/v1/models/${encodeURIComponent((await c.objects()).model)}`
/** The case's model with a second version and `champion` moved from version 1 to 2 (something to roll back). */
const modelWithMovedAlias = async (c: Case) => {
  const { model: name, run: seeded } = await c.objects()
  await c.services.models.registerVersion(SYSTEM_CONTEXT, name, { source: `runs:/${seeded.id}/model.bin` })
  await c.services.aliases.set(SYSTEM_CONTEXT, name, 'champion', { version: 1 })
  await c.services.aliases.set(SYSTEM_CONTEXT, name, 'champion', { version: 2 })
  return model(c)
}
const promotion = async (c: Case) => {
  const { model: name } = await c.objects()
  const request = await c.services.promotions.request(SYSTEM_CONTEXT, name, {
    version: 1,
    alias: 'production',
    reason: 'x',
  })
  return `${await model(c)}/promotions/${request.id}`
}
const webhook = async (c: Case) => {
  const { model: name } = await c.objects()
  const { webhook: created } = await c.services.webhooks.create(SYSTEM_CONTEXT, name, {
    url: 'https://93.184.215.14/hook',
  })
  return `${await model(c)}/webhooks/${created.id}`
}
/** An external node the server added, as the query string naming it. */
const externalNode = async (c: Case) => {
  const node = await c.services.lineageEdits.createExternalNode(SYSTEM_CONTEXT, {
    namespace: 'matrix',
    name: `n-${c.unique}`,
  })
  return new URLSearchParams({ namespace: node.namespace, name: node.name }).toString()
}
/** An edge from a new external node into the case's run. */
const externalEdge = async (c: Case) => {
  const node = await c.services.lineageEdits.createExternalNode(SYSTEM_CONTEXT, {
    namespace: 'matrix',
    name: `e-${c.unique}`,
  })
  return { source: node.ref, target: `runs:/${(await c.objects()).run.id}`, type: 'input' as const }
}
const perms = async (c: Case) => `/api/v1/permissions/experiment/${(await c.objects()).experiment.id}`

/** Every route, its declared policy, and the status each caller gets: [anonymous, none, read, edit, manage, admin]. */
const MATRIX: Record<string, Entry> = {
  'GET /healthz': entry('public', [200, 200, 200, 200, 200, 200], () => ({ url: '/healthz' })),
  'GET /readyz': entry('public', [200, 200, 200, 200, 200, 200], () => ({ url: '/readyz' })),
  'GET /api/v1/openapi.json': entry('public', [200, 200, 200, 200, 200, 200], () => ({ url: '/api/v1/openapi.json' })),
  // The web UI's files are the same for everyone (the test app has no UI build: a page says so).
  'GET /': entry('public', [503, 503, 503, 503, 503, 503], () => ({ url: '/' })),
  'GET /*': entry('public', [503, 503, 503, 503, 503, 503], () => ({ url: '/runs' })),

  'POST /api/v1/experiments': entry('signed-in', [401, 201, 201, 201, 201, 201], async (c) => ({
    url: '/api/v1/experiments',
    body: { name: `matrix-new-${c.unique}` },
  })),
  'GET /api/v1/experiments': entry('signed-in', [401, 200, 200, 200, 200, 200], () => ({ url: '/api/v1/experiments' })),
  'GET /api/v1/experiments/by-name/:name': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({
    url: `/api/v1/experiments/by-name/${encodeURIComponent((await c.objects()).experiment.name)}`,
  })),
  'GET /api/v1/experiments/:experimentId': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({
    url: await exp(c),
  })),
  'PATCH /api/v1/experiments/:experimentId': entry('signed-in', [401, 404, 403, 200, 200, 200], async (c) => ({
    url: await exp(c),
    body: { description: 'changed' },
  })),
  'DELETE /api/v1/experiments/:experimentId': entry('signed-in', [401, 404, 403, 403, 204, 204], async (c) => ({
    url: await exp(c),
  })),
  'POST /api/v1/experiments/:experimentId/restore': entry('signed-in', [401, 404, 403, 403, 200, 200], async (c) => {
    await c.services.experiments.delete(SYSTEM_CONTEXT, (await c.objects()).experiment.id)
    return { url: `${await exp(c)}/restore` }
  }),

  'POST /api/v1/runs': entry('signed-in', [401, 404, 403, 201, 201, 201], async (c) => ({
    url: '/api/v1/runs',
    body: { experimentId: (await c.objects()).experiment.id },
  })),
  'POST /api/v1/runs/search': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({
    url: '/api/v1/runs/search',
    body: { experimentIds: [(await c.objects()).experiment.id] },
  })),
  'GET /api/v1/runs/keys': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({
    url: `/api/v1/runs/keys?experimentIds=${(await c.objects()).experiment.id}`,
  })),
  'GET /api/v1/runs/:runId': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({ url: await run(c) })),
  'PATCH /api/v1/runs/:runId': entry('signed-in', [401, 404, 403, 200, 200, 200], async (c) => ({
    url: await run(c),
    body: { status: 'FINISHED' },
  })),
  'DELETE /api/v1/runs/:runId': entry('signed-in', [401, 404, 403, 204, 204, 204], async (c) => ({
    url: await run(c),
  })),
  'POST /api/v1/runs/:runId/restore': entry('signed-in', [401, 404, 403, 200, 200, 200], async (c) => {
    await c.services.runs.delete(SYSTEM_CONTEXT, (await c.objects()).run.id)
    return { url: `${await run(c)}/restore` }
  }),
  'PUT /api/v1/runs/:runId/tags/:key': entry('signed-in', [401, 404, 403, 204, 204, 204], async (c) => ({
    url: `${await run(c)}/tags/stage`,
    body: { value: 'prod' },
  })),
  'DELETE /api/v1/runs/:runId/tags/:key': entry('signed-in', [401, 404, 403, 204, 204, 204], async (c) => {
    await c.services.runs.setTag(SYSTEM_CONTEXT, (await c.objects()).run.id, 'stage', 'dev')
    return { url: `${await run(c)}/tags/stage` }
  }),
  'POST /api/v1/runs/:runId/batch': entry('signed-in', [401, 404, 403, 200, 200, 200], async (c) => ({
    url: `${await run(c)}/batch`,
    body: { metrics: [{ key: 'loss', value: 0.5, step: 1, timestampMs: 1000 }] },
  })),
  'GET /api/v1/runs/:runId/metrics/:key/history': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({
    url: `${await run(c)}/metrics/loss/history`,
  })),

  'PUT /api/v1/runs/:runId/artifacts/*': entry('signed-in', [401, 404, 403, 201, 201, 201], async (c) => ({
    url: `${await run(c)}/artifacts/model/weights.bin`,
    bytes: 'weights',
  })),
  'GET /api/v1/runs/:runId/artifacts': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({
    url: `${await runWithArtifact(c)}/artifacts`,
  })),
  'GET /api/v1/runs/:runId/artifacts/*': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({
    url: `${await runWithArtifact(c)}/artifacts/model.bin`,
  })),
  'GET /api/v1/runs/:runId/artifacts.tar': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({
    url: `${await runWithArtifact(c)}/artifacts.tar`,
  })),
  'DELETE /api/v1/runs/:runId/artifacts/*': entry('signed-in', [401, 404, 403, 200, 200, 200], async (c) => ({
    url: `${await runWithArtifact(c)}/artifacts/model.bin`,
  })),
  'POST /api/v1/artifacts/verify': entry('admin', [401, 403, 403, 403, 403, 200], async (c) => ({
    url: '/api/v1/artifacts/verify',
    body: { runId: (await c.objects()).run.id },
  })),
  'POST /api/v1/artifacts/gc': entry('admin', [401, 403, 403, 403, 403, 200], () => ({
    url: '/api/v1/artifacts/gc',
    body: { dryRun: true },
  })),

  'POST /api/v1/datasets/:name/versions': entry('signed-in', [401, 404, 403, 201, 201, 201], async (c) => ({
    url: `${await dataset(c)}/versions`,
    body: datasetBody(`new content ${c.unique}`),
  })),
  'PUT /api/v1/datasets/:name/blobs/:sha256': entry('signed-in', [401, 404, 403, 204, 204, 204], async (c) => ({
    url: `${await dataset(c)}/blobs/${sha256(`blob ${c.unique}`)}`,
    bytes: `blob ${c.unique}`,
  })),
  'GET /api/v1/datasets': entry('signed-in', [401, 200, 200, 200, 200, 200], () => ({ url: '/api/v1/datasets' })),
  'GET /api/v1/datasets/:name': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({
    url: await dataset(c),
  })),
  'GET /api/v1/datasets/:name/versions': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({
    url: `${await dataset(c)}/versions`,
  })),
  'GET /api/v1/datasets/:name/versions/:version': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({
    url: `${await dataset(c)}/versions/1`,
  })),
  'GET /api/v1/datasets/:name/versions/:version/files': entry(
    'signed-in',
    [401, 404, 200, 200, 200, 200],
    async (c) => ({ url: `${await dataset(c)}/versions/1/files` }),
  ),
  'GET /api/v1/datasets/:name/versions/:version/runs': entry(
    'signed-in',
    [401, 404, 200, 200, 200, 200],
    async (c) => ({ url: `${await dataset(c)}/versions/1/runs` }),
  ),
  'POST /api/v1/datasets/drift': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({
    url: '/api/v1/datasets/drift',
    body: { reference: { dataset: await datasetRef(c) }, current: { dataset: await datasetRef(c) } },
  })),
  'POST /api/v1/runs/:runId/inputs': entry('signed-in', [401, 404, 403, 200, 200, 200], async (c) => ({
    url: `${await run(c)}/inputs`,
    body: { ...(await datasetRef(c)), context: 'training' },
  })),
  'POST /api/v1/runs/:runId/outputs': entry('signed-in', [401, 404, 403, 200, 200, 200], async (c) => ({
    url: `${await run(c)}/outputs`,
    body: await datasetRef(c),
  })),
  'GET /api/v1/runs/:runId/datasets': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({
    url: `${await run(c)}/datasets`,
  })),

  'GET /api/v1/lineage': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({
    url: `/api/v1/lineage?ref=${encodeURIComponent(`runs:/${(await c.objects()).run.id}`)}&direction=both`,
  })),
  'GET /api/v1/lineage/export': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({
    url: `/api/v1/lineage/export?format=prov&ref=${encodeURIComponent(`models:/${(await c.objects()).model}/1`)}`,
  })),
  'POST /api/v1/runs/:runId/model-inputs': entry('signed-in', [401, 404, 403, 200, 200, 200], async (c) => ({
    url: `${await run(c)}/model-inputs`,
    body: { model: `models:/${(await c.objects()).model}/1`, context: 'fine-tuning' },
  })),
  'POST /api/v1/lineage/external-nodes': entry('signed-in', [401, 201, 201, 201, 201, 201], (c) => ({
    url: '/api/v1/lineage/external-nodes',
    body: { namespace: 'matrix', name: `feed-${c.unique}` },
  })),
  'GET /api/v1/lineage/external-nodes': entry('signed-in', [401, 200, 200, 200, 200, 200], async (c) => ({
    url: `/api/v1/lineage/external-nodes?${await externalNode(c)}`,
  })),
  // The node was added by the server (no user), so only an admin may remove it.
  'DELETE /api/v1/lineage/external-nodes': entry('signed-in', [401, 403, 403, 403, 403, 204], async (c) => ({
    url: `/api/v1/lineage/external-nodes?${await externalNode(c)}`,
  })),
  'POST /api/v1/lineage/edges': entry('signed-in', [401, 404, 403, 201, 201, 201], async (c) => ({
    url: '/api/v1/lineage/edges',
    body: await externalEdge(c),
  })),
  'DELETE /api/v1/lineage/edges': entry('signed-in', [401, 404, 403, 204, 204, 204], async (c) => {
    const edge = await externalEdge(c)
    await c.services.lineageEdits.addEdge(SYSTEM_CONTEXT, edge)
    return { url: `/api/v1/lineage/edges?${new URLSearchParams(edge)}` }
  }),

  'POST /api/v1/models': entry('signed-in', [401, 201, 201, 201, 201, 201], (c) => ({
    url: '/api/v1/models',
    body: { name: `matrix-model-new-${c.unique}` },
  })),
  'GET /api/v1/models': entry('signed-in', [401, 200, 200, 200, 200, 200], () => ({ url: '/api/v1/models' })),
  'GET /api/v1/models/resolve': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({
    url: `/api/v1/models/resolve?uri=${encodeURIComponent(`models:/${(await c.objects()).model}/1`)}`,
  })),
  'GET /api/v1/models/:name': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({
    url: await model(c),
  })),
  'PATCH /api/v1/models/:name': entry('signed-in', [401, 404, 403, 200, 200, 200], async (c) => ({
    url: await model(c),
    body: { description: 'changed' },
  })),
  'POST /api/v1/models/:name/versions': entry('signed-in', [401, 404, 403, 201, 201, 201], async (c) => ({
    url: `${await model(c)}/versions`,
    body: { source: `runs:/${(await c.objects()).run.id}/model.bin` },
  })),
  'PUT /api/v1/models/:name/blobs/:sha256': entry('signed-in', [401, 404, 403, 204, 204, 204], async (c) => ({
    url: `${await model(c)}/blobs/${sha256(`model blob ${c.unique}`)}`,
    bytes: `model blob ${c.unique}`,
  })),
  'GET /api/v1/models/:name/versions': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({
    url: `${await model(c)}/versions`,
  })),
  'GET /api/v1/models/:name/versions/:version': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({
    url: `${await model(c)}/versions/1`,
  })),
  'PATCH /api/v1/models/:name/versions/:version': entry('signed-in', [401, 404, 403, 200, 200, 200], async (c) => ({
    url: `${await model(c)}/versions/1`,
    body: { description: 'retrained', tags: { team: 'risk' } },
  })),
  'DELETE /api/v1/models/:name/versions/:version': entry('signed-in', [401, 404, 403, 403, 204, 204], async (c) => ({
    url: `${await model(c)}/versions/1`,
  })),
  'GET /api/v1/models/:name/versions/:version/files': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({
    url: `${await model(c)}/versions/1/files`,
  })),
  'GET /api/v1/models/:name/versions/:version/card': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({
    url: `${await model(c)}/versions/1/card`,
  })),
  'GET /api/v1/models/:name/versions/:version/card.md': entry(
    'signed-in',
    [401, 404, 200, 200, 200, 200],
    async (c) => ({ url: `${await model(c)}/versions/1/card.md` }),
  ),
  'PATCH /api/v1/models/:name/versions/:version/card': entry(
    'signed-in',
    [401, 404, 403, 200, 200, 200],
    async (c) => ({ url: `${await model(c)}/versions/1/card`, body: { intendedUse: 'scoring' } }),
  ),
  'POST /api/v1/models/:name/versions/:version/stage': entry(
    'signed-in',
    [401, 404, 403, 200, 200, 200],
    async (c) => ({ url: `${await model(c)}/versions/1/stage`, body: { stage: 'Staging' } }),
  ),
  'POST /api/v1/models/:name/webhooks': entry('signed-in', [401, 404, 403, 403, 201, 201], async (c) => ({
    url: `${await model(c)}/webhooks`,
    body: { url: 'https://93.184.215.14/hook' },
  })),
  'GET /api/v1/models/:name/webhooks': entry('signed-in', [401, 404, 403, 403, 200, 200], async (c) => ({
    url: `${await model(c)}/webhooks`,
  })),
  'DELETE /api/v1/models/:name/webhooks/:webhookId': entry('signed-in', [401, 404, 403, 403, 204, 204], async (c) => ({
    url: await webhook(c),
  })),
  'GET /api/v1/models/:name/webhooks/:webhookId/deliveries': entry(
    'signed-in',
    [401, 404, 403, 403, 200, 200],
    async (c) => ({ url: `${await webhook(c)}/deliveries` }),
  ),
  'GET /api/v1/models/:name/compare': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({
    url: `${await model(c)}/compare?a=1&b=1`,
  })),
  'PUT /api/v1/models/:name/aliases/:alias': entry('signed-in', [401, 404, 403, 200, 200, 200], async (c) => ({
    url: `${await model(c)}/aliases/champion`,
    body: { version: 1 },
  })),
  'DELETE /api/v1/models/:name/aliases/:alias': entry('signed-in', [401, 404, 403, 204, 204, 204], async (c) => ({
    url: `${await modelWithMovedAlias(c)}/aliases/champion`,
  })),
  'POST /api/v1/models/:name/aliases/:alias/rollback': entry(
    'signed-in',
    [401, 404, 403, 200, 200, 200],
    async (c) => ({ url: `${await modelWithMovedAlias(c)}/aliases/champion/rollback` }),
  ),
  'PUT /api/v1/models/:name/aliases/:alias/protection': entry(
    'signed-in',
    [401, 404, 403, 403, 200, 200],
    async (c) => ({ url: `${await model(c)}/aliases/production/protection`, body: { isProtected: true } }),
  ),
  'GET /api/v1/models/:name/alias-history': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({
    url: `${await model(c)}/alias-history`,
  })),
  'POST /api/v1/models/:name/promotions': entry('signed-in', [401, 404, 403, 201, 201, 201], async (c) => ({
    url: `${await model(c)}/promotions`,
    body: { version: 1, alias: 'production', reason: 'better' },
  })),
  'GET /api/v1/models/:name/promotions': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({
    url: `${await model(c)}/promotions`,
  })),
  'POST /api/v1/models/:name/promotions/:requestId/approve': entry(
    'signed-in',
    [401, 404, 403, 403, 200, 200],
    async (c) => ({ url: `${await promotion(c)}/approve` }),
  ),
  'POST /api/v1/models/:name/promotions/:requestId/reject': entry(
    'signed-in',
    [401, 404, 403, 403, 200, 200],
    async (c) => ({ url: `${await promotion(c)}/reject` }),
  ),

  'GET /api/v1/auth/whoami': entry('public', [200, 200, 200, 200, 200, 200], () => ({ url: '/api/v1/auth/whoami' })),
  'POST /api/v1/auth/login': entry('public', [200, 200, 200, 200, 200, 200], () => ({
    url: '/api/v1/auth/login',
    body: { username: 'reader', password: PASSWORD },
  })),
  'POST /api/v1/auth/logout': entry('signed-in', [401, 204, 204, 204, 204, 204], () => ({
    url: '/api/v1/auth/logout',
  })),

  'POST /api/v1/users': entry('admin', [401, 403, 403, 403, 403, 201], async (c) => ({
    url: '/api/v1/users',
    body: { username: `user-${c.unique}`, password: PASSWORD },
  })),
  'GET /api/v1/users': entry('admin', [401, 403, 403, 403, 403, 200], () => ({ url: '/api/v1/users' })),
  'PATCH /api/v1/users/:username': entry('signed-in', [401, 403, 403, 403, 403, 200], () => ({
    url: '/api/v1/users/target',
    body: { isAdmin: false },
  })),
  'POST /api/v1/tokens': entry('signed-in', [401, 201, 201, 201, 201, 201], async (c) => ({
    url: '/api/v1/tokens',
    body: { name: `matrix-${c.unique}` },
  })),
  'GET /api/v1/tokens': entry('signed-in', [401, 200, 200, 200, 200, 200], () => ({ url: '/api/v1/tokens' })),
  // Another user's token: only an admin may revoke it, and others are not told it exists.
  'DELETE /api/v1/tokens/:tokenId': entry('signed-in', [401, 404, 404, 404, 404, 204], async (c) => {
    const { apiToken } = await c.services.accounts.createToken(SYSTEM_CONTEXT, { name: `t-${c.unique}` }, 'target')
    return { url: `/api/v1/tokens/${apiToken.id}` }
  }),

  'GET /api/v1/permissions/:objectType/:objectId': entry('signed-in', [401, 404, 200, 200, 200, 200], async (c) => ({
    url: await perms(c),
  })),
  'PUT /api/v1/permissions/:objectType/:objectId': entry('signed-in', [401, 404, 403, 403, 200, 200], async (c) => ({
    url: await perms(c),
    body: { username: 'target', level: 'READ' },
  })),
  'DELETE /api/v1/permissions/:objectType/:objectId/:username': entry(
    'signed-in',
    [401, 404, 403, 403, 204, 204],
    async (c) => {
      await c.services.permissions.grant(SYSTEM_CONTEXT, 'experiment', (await c.objects()).experiment.id, {
        username: 'target',
        level: 'READ',
      })
      return { url: `${await perms(c)}/target` }
    },
  ),

  'GET /api/v1/audit/events': entry('admin', [401, 403, 403, 403, 403, 200], () => ({ url: '/api/v1/audit/events' })),
  'GET /api/v1/audit/export': entry('admin', [401, 403, 403, 403, 403, 200], () => ({ url: '/api/v1/audit/export' })),
  'POST /api/v1/audit/verify': entry('admin', [401, 403, 403, 403, 403, 200], () => ({ url: '/api/v1/audit/verify' })),
  'POST /api/v1/audit/checkpoints': entry('admin', [401, 403, 403, 403, 403, 200], () => ({
    url: '/api/v1/audit/checkpoints',
  })),
  'GET /api/v1/audit/checkpoints/latest': entry('signed-in', [401, 200, 200, 200, 200, 200], () => ({
    url: '/api/v1/audit/checkpoints/latest',
  })),
  'GET /api/v1/audit/public-key': entry('public', [200, 200, 200, 200, 200, 200], () => ({
    url: '/api/v1/audit/public-key',
  })),
  'GET /api/v1/audit/proofs/inclusion': entry('admin', [401, 403, 403, 403, 403, 200], () => ({
    url: '/api/v1/audit/proofs/inclusion?seq=1',
  })),
  'GET /api/v1/audit/proofs/consistency': entry('admin', [401, 403, 403, 403, 403, 200], () => ({
    url: '/api/v1/audit/proofs/consistency?fromSize=1',
  })),
}

// An unknown path under the MLflow prefix answers MLflow's 404 body, to anyone.
for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
  MATRIX[`${method} /api/2.0/*`] = entry('public', [404, 404, 404, 404, 404, 404], () => ({
    url: '/api/2.0/mlflow/no-such-endpoint',
  }))
}

// MLflow's routes answer the same under `/ajax-api/2.0` (its UI's prefix); each is tested there too.
for (const [key, original] of Object.entries(MATRIX)) {
  if (!key.includes(' /api/2.0/')) continue
  MATRIX[key.replace(' /api/2.0/', ' /ajax-api/2.0/')] = {
    ...original,
    request: async (c) => {
      const request = await original.request(c)
      return { ...request, url: request.url.replace(/^\/api\/2\.0\//, '/ajax-api/2.0/') }
    },
  }
}

const byCaller = (statuses: number[]) => Object.fromEntries(CALLERS.map((caller, i) => [caller, statuses[i]]))

/** The routes the app registers, each as Fastify's onRoute hook saw it. */
async function routesOfTheApp(): Promise<RecordedRoute[]> {
  recorded.length = 0
  const t = await openTestApp('sqlite')
  await t.close()
  return [...recorded]
}

/** `METHOD url` of each route, without the HEAD routes Fastify adds for every GET. */
const keysOf = (routes: RecordedRoute[]) =>
  [...new Set(routes.filter((r) => r.method !== 'HEAD').map((r) => `${r.method} ${r.url}`))].sort()

describe('the authorization matrix', () => {
  it('lists every registered route, and no route that is not registered', async () => {
    expect(keysOf(await routesOfTheApp())).toEqual(Object.keys(MATRIX).sort())
  })

  it('names the access policy each route declares', async () => {
    const routes = await routesOfTheApp()
    const declared = Object.fromEntries(routes.map((r) => [`${r.method} ${r.url}`, r.access]))
    expect(Object.fromEntries(keysOf(routes).map((key) => [key, declared[key]]))).toEqual(
      Object.fromEntries(Object.entries(MATRIX).map(([key, { access }]) => [key, access])),
    )
  })

  it('gives the HEAD route Fastify adds for each GET the policy of the GET', async () => {
    const routes = await routesOfTheApp()
    const policyOf = (method: string) =>
      Object.fromEntries(routes.filter((r) => r.method === method).map((r) => [r.url, r.access]))
    expect(policyOf('HEAD')).toEqual(policyOf('GET'))
  })

  it('refuses to register a route that declares no access policy', async () => {
    const t = await openTestApp('sqlite')
    const app = Fastify()
    registerAccessControl(app, { authentication: t.services.authentication, isAuthEnabled: true })
    try {
      expect(() => app.get('/api/v1/undeclared', async () => ({}))).toThrow(
        'route GET /api/v1/undeclared declares no access policy (config.access)',
      )
      expect(() => app.get('/api/v1/declared', { config: { access: 'admin' } }, async () => ({}))).not.toThrow()
    } finally {
      await app.close()
      await t.close()
    }
  })
})

describe.each(testDialects())('authorization matrix on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  const tokens = new Map<Caller, string>()

  const userIds = new Map<string, string>()
  let counter = 0

  function newCase(): Case {
    const { services, store } = t
    const unique = `${++counter}-${randomUUID().slice(0, 8)}`
    let objects:
      | Promise<{ experiment: Experiment; run: Run; datasetVersion: DatasetVersion; model: string }>
      | undefined
    async function seed() {
      const experiment = await services.experiments.create(SYSTEM_CONTEXT, { name: `matrix-${unique}` })
      const seeded = await services.runs.create(SYSTEM_CONTEXT, { experimentId: experiment.id, status: 'RUNNING' })
      const { datasetVersion } = await services.datasets.register(SYSTEM_CONTEXT, `matrix-${unique}`, {
        ...datasetBody(`content ${unique}`),
        isStored: false,
      })
      const modelName = `matrix model ${unique}`
      await services.models.create(SYSTEM_CONTEXT, { name: modelName })
      await services.artifacts.upload(SYSTEM_CONTEXT, seeded.id, 'model.bin', Readable.from([Buffer.from(unique)]))
      await services.models.registerVersion(SYSTEM_CONTEXT, modelName, { source: `runs:/${seeded.id}/model.bin` })
      // Granted straight in storage, in one transaction: the grants are setup here, not the subject.
      await store.transaction(async (tx) => {
        for (const [username, level] of GRANTS) {
          await tx.permissions.grant('experiment', experiment.id, userIds.get(username)!, level)
          await tx.permissions.grant('dataset', datasetVersion.datasetName, userIds.get(username)!, level)
          await tx.permissions.grant('registered_model', modelName, userIds.get(username)!, level)
        }
      })
      return { experiment, run: seeded, datasetVersion, model: modelName }
    }
    return { services, unique, objects: () => (objects ??= seed()) }
  }

  beforeAll(async () => {
    t = await openTestApp(dialect, { auth: true, defaultPermission: 'NONE' })
    // `target` is a user other callers act on (a token to revoke, a grant to give); it never calls.
    const users: [username: string, caller?: Caller][] = [
      ['nobody', 'none'],
      ['reader', 'read'],
      ['editor', 'edit'],
      ['manager', 'manage'],
      ['target'],
    ]
    for (const [username, caller] of users) {
      userIds.set(username, (await t.services.accounts.createUser(SYSTEM_CONTEXT, { username, password: PASSWORD })).id)
      const { token } = await t.services.accounts.createToken(SYSTEM_CONTEXT, { name: 'matrix' }, username)
      if (caller) tokens.set(caller, token)
    }
    tokens.set('admin', (await t.services.accounts.createToken(SYSTEM_CONTEXT, { name: 'matrix' }, 'admin')).token)
    await t.services.audit.checkpoint(SYSTEM_CONTEXT)
  })
  afterAll(async () => t.close())

  it.each(Object.keys(MATRIX))('%s answers each caller with the status the matrix lists', async (route) => {
    const { request, expected } = MATRIX[route]!
    const method = route.split(' ')[0] as 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
    const statuses: number[] = []
    for (const caller of CALLERS) {
      const { url, body, bytes } = await request(newCase())
      const token = tokens.get(caller)
      const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` }
      if (bytes !== undefined) headers['content-type'] = 'application/octet-stream'
      const payload = bytes ?? body ?? (method === 'POST' ? {} : undefined)
      const res = await t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) })
      statuses.push(res.statusCode)
    }
    expect(byCaller(statuses)).toEqual(byCaller(expected))
  })
})
