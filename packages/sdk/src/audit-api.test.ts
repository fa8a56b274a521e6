import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestApp, TEST_ADMIN_PASSWORD } from '../../server/src/test-support/test-app.js'
import { type AuditEvent, PermissionDeniedError, Provena } from './index.js'

async function collect(events: AsyncIterable<AuditEvent>): Promise<AuditEvent[]> {
  const all: AuditEvent[] = []
  for await (const event of events) all.push(event)
  return all
}

describe('the audit trail through the SDK', () => {
  let server: Awaited<ReturnType<typeof openTestApp>>
  let url: string
  let admin: Provena
  beforeAll(async () => {
    server = await openTestApp('sqlite', { auth: true })
    url = await server.app.listen({ host: '127.0.0.1', port: 0 })
    admin = new Provena({ url, username: 'admin', password: TEST_ADMIN_PASSWORD, maxRetries: 0 })
    for (const name of ['audit-a', 'audit-b', 'audit-c']) await admin.experiments.create({ name })
  })
  afterAll(async () => server.close())

  it('exports every event in seq order, each linked to the one before', async () => {
    const events = await collect(admin.audit.exportEvents())

    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1))
    expect(events.slice(1).map((e) => e.prevHash)).toEqual(events.slice(0, -1).map((e) => e.hash))
    expect(events.filter((e) => e.action === 'experiment.create').map((e) => e.objectType)).toEqual([
      'experiment',
      'experiment',
      'experiment',
    ])
  })

  it('stops the export early without reading the rest', async () => {
    const first: AuditEvent[] = []
    for await (const event of admin.audit.exportEvents()) {
      first.push(event)
      break
    }

    expect(first.map((e) => e.seq)).toEqual([1])
  })

  it('lists events newest first, filtered by action', async () => {
    const { events, nextPageToken } = await admin.audit.events({ action: 'experiment.create', maxResults: 2 })
    const next = await admin.audit.events({
      action: 'experiment.create',
      maxResults: 2,
      pageToken: nextPageToken ?? '',
    })

    expect(events.map((e) => (e.after as { name: string }).name)).toEqual(['audit-c', 'audit-b'])
    expect(next.events.map((e) => (e.after as { name: string }).name)).toEqual(['audit-a'])
  })

  it('has the server verify its chain', async () => {
    const events = await collect(admin.audit.exportEvents())

    expect(await admin.audit.verify()).toEqual({
      ok: true,
      count: events.length,
      storedHeadSeq: events.length,
      headHash: events.at(-1)?.hash,
    })
  })

  it('signs a checkpoint that is then the latest, with the public key of the server', async () => {
    const checkpoint = await admin.audit.checkpoint()

    expect(await admin.audit.latestCheckpoint()).toEqual(checkpoint)
    expect(await new Provena({ url }).audit.publicKey()).toBe(checkpoint.verifierKey)
    expect(checkpoint.note).toMatch(new RegExp(`^provena-audit\\n${checkpoint.treeSize}\\n[A-Za-z0-9+/]{43}=\\n\\n— `))
  })

  it('gives inclusion and consistency proofs for a tree size', async () => {
    const inclusion = await admin.audit.inclusionProof(2, 3)
    const consistency = await admin.audit.consistencyProof(2, 3)

    expect(inclusion).toEqual({
      seq: 2,
      treeSize: 3,
      leafHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      rootHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      proof: [expect.stringMatching(/^[0-9a-f]{64}$/), expect.stringMatching(/^[0-9a-f]{64}$/)],
    })
    expect(consistency).toMatchObject({ fromSize: 2, toSize: 3, toRoot: inclusion.rootHash })
    expect(consistency.proof).toHaveLength(1)
  })

  it('refuses the export to a user who is not an admin with PermissionDeniedError', async () => {
    await admin.users.create({ username: 'audit-reader', password: 'reader-password' })
    const reader = new Provena({ url, username: 'audit-reader', password: 'reader-password', maxRetries: 0 })

    await expect(collect(reader.audit.exportEvents())).rejects.toThrow(PermissionDeniedError)
  })
})
