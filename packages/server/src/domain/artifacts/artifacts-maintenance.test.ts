import { createHash } from 'node:crypto'
import { utimesSync } from 'node:fs'
import { Readable } from 'node:stream'
import { PermissionDeniedError } from '@provena/contract'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices } from '../../services.js'
import { localBlobFile } from '../../storage/artifacts/local-blob-store.js'
import { createTestBlobStore, openTestStore } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'
import { generateSignerKey } from '../audit/signed-note.js'
import { SYSTEM_CONTEXT } from '../auth/principal.js'

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const body = (text: string) => Readable.from([Buffer.from(text)])
const USER = {
  principal: { kind: 'user' as const, userId: '1', name: 'alice', isAdmin: false, tokenName: null },
  sourceIp: null,
  requestId: null,
}

describe.each(testDialects())('artifact garbage collection on %s', (dialect) => {
  let opened: Awaited<ReturnType<typeof openTestStore>>
  beforeAll(async () => {
    opened = await openTestStore(dialect)
  })
  afterAll(async () => opened.database.close())

  /** Services with their own blob store. */
  async function setup() {
    const blobs = createTestBlobStore()
    const services = createServices({ store: opened.store, blobs, signerKey: generateSignerKey('test') })
    const experiment = await services.experiments.create(SYSTEM_CONTEXT, { name: `gc-${Math.random()}` })
    const run = await services.runs.create(SYSTEM_CONTEXT, { experimentId: experiment.id, status: 'RUNNING' })
    return { services, blobs, runId: run.id }
  }

  it('removes unreferenced blobs older than the grace period, keeps referenced, pinned and recent ones', async () => {
    const { services, blobs, runId } = await setup()
    await services.artifacts.upload(SYSTEM_CONTEXT, runId, 'kept.txt', body('referenced'))
    await services.artifacts.upload(SYSTEM_CONTEXT, runId, 'dropped.txt', body('unreferenced'))
    await services.artifacts.upload(SYSTEM_CONTEXT, runId, 'pinned.txt', body('pinned by a model'))
    await opened.store.artifacts.pin(sha256('pinned by a model'), { type: 'model_version', id: 'm/1' }, Date.now())
    await services.artifacts.delete(SYSTEM_CONTEXT, runId, 'dropped.txt')
    await services.artifacts.delete(SYSTEM_CONTEXT, runId, 'pinned.txt')
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60_000)
    for await (const blob of blobs.list()) {
      const file = localBlobFile(blobs.location, blob.sha256)
      utimesSync(file, twoHoursAgo, twoHoursAgo)
    }
    await blobs.put(body('recent orphan'))

    const dryRun = await services.artifactsMaintenance.gc(SYSTEM_CONTEXT, { dryRun: true, graceMinutes: 60 })
    const report = await services.artifactsMaintenance.gc(SYSTEM_CONTEXT, { dryRun: false, graceMinutes: 60 })

    expect(dryRun).toEqual({ ...report, dryRun: true })
    expect(report).toEqual({ dryRun: false, removedBlobs: 1, freedBytes: 12, keptBlobs: 3, keptBytes: 10 + 17 + 13 })
    expect(await blobs.head(sha256('unreferenced'))).toBeUndefined()
    expect(await blobs.head(sha256('pinned by a model'))).toBeDefined()
    expect(await blobs.head(sha256('recent orphan'))).toBeDefined()
  })

  it('is for admins only', async () => {
    const { services } = await setup()
    await expect(services.artifactsMaintenance.gc(USER, { dryRun: true, graceMinutes: 0 })).rejects.toThrow(
      PermissionDeniedError,
    )
  })

  it('audits each problem verify finds', async () => {
    const { services, blobs, runId } = await setup()
    await services.artifacts.upload(SYSTEM_CONTEXT, runId, 'lost.txt', body('lost'))
    await blobs.delete(sha256('lost'))

    const lines = []
    for await (const line of services.artifactsMaintenance.verify(SYSTEM_CONTEXT, runId)) lines.push(line)

    expect(lines).toEqual([
      { type: 'missing', sha256: sha256('lost') },
      { type: 'summary', checkedBlobs: 1, checkedBytes: 4, mismatches: 0, missing: 1 },
    ])
    const { events } = await services.audit.list(SYSTEM_CONTEXT, {
      action: 'artifact.integrity_failure',
      objectId: sha256('lost'),
      maxResults: 10,
    })
    expect(events.map((e) => e.details)).toEqual([
      { type: 'missing', sha256: sha256('lost'), source: 'verify', paths: [{ runId, path: 'lost.txt' }] },
    ])
  })

  it('reports its progress every so many blobs when asked to, counting the distinct blobs of the run', async () => {
    const { services, runId } = await setup()
    for (const name of ['a', 'b', 'c'])
      await services.artifacts.upload(SYSTEM_CONTEXT, runId, `${name}.txt`, body(name))
    // The same bytes under a second path are one blob.
    await services.artifacts.upload(SYSTEM_CONTEXT, runId, 'copy-of-a.txt', body('a'))

    const lines = []
    for await (const line of services.artifactsMaintenance.verify(SYSTEM_CONTEXT, runId, { progressEvery: 2 })) {
      lines.push(line)
    }

    expect(lines).toEqual([
      { type: 'progress', checkedBlobs: 2, checkedBytes: 2, totalBlobs: 3 },
      { type: 'summary', checkedBlobs: 3, checkedBytes: 3, mismatches: 0, missing: 0 },
    ])
  })
})
