import type { AuditEvent } from '@provena/contract'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyChain } from '../../domain/audit/event-hash.js'
import {
  eventLeafHash,
  hashFromHex,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from '../../domain/audit/merkle-tree.js'
import { openNote, parseCheckpoint } from '../../domain/audit/signed-note.js'
import { apiCaller } from '../../test-support/api-caller.js'
import { ADMIN, openAuditedApp } from '../../test-support/audited-app.js'
import { testDialects } from '../../test-support/test-databases.js'

describe.each(testDialects())('audit API on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openAuditedApp>>
  const admin = () => apiCaller(t.app, { credentials: ADMIN })

  beforeAll(async () => {
    t = await openAuditedApp(dialect)
  })
  afterAll(async () => t.close())

  /** A new experiment and run of alice's with `tags` tags set one by one: 2 + tags events. */
  async function taggedRun(tags: number): Promise<string> {
    const { id } = await t.newRun()
    for (let i = 0; i < tags; i++) await t.alice().put(`/api/v1/runs/${id}/tags/t${i}`, { value: String(i) })
    return id
  }

  async function exported(): Promise<AuditEvent[]> {
    const res = await admin().get('/api/v1/audit/export')
    return res.text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line))
  }

  /** Every page of a listing, newest first, following nextPageToken. */
  async function listAll(query: Record<string, string>): Promise<AuditEvent[]> {
    const events: AuditEvent[] = []
    let pageToken: string | null = null
    do {
      const params = new URLSearchParams({ ...query, ...(pageToken ? { pageToken } : {}) })
      const res = await admin().get(`/api/v1/audit/events?${params}`)
      expect(res.status).toBe(200)
      events.push(...res.body.events)
      pageToken = res.body.nextPageToken
    } while (pageToken)
    return events
  }

  const newestFirst = (events: AuditEvent[]) => events.toSorted((a, b) => b.seq - a.seq)

  async function signedCheckpoint() {
    const res = await admin().post('/api/v1/audit/checkpoints')
    expect(res.status).toBe(200)
    return { ...res.body, signed: parseCheckpoint(openNote(res.body.note, res.body.verifierKey).body) }
  }

  describe('event list', () => {
    it("lists one object's events newest first", async () => {
      const runId = await taggedRun(3)
      const events = await listAll({ objectType: 'run', objectId: runId })
      expect(events.map((e) => e.action)).toEqual(['run.set_tag', 'run.set_tag', 'run.set_tag', 'run.create'])
      expect(events).toEqual(
        newestFirst((await exported()).filter((e) => e.objectId === runId && e.objectType === 'run')),
      )
    })

    it('filters by actor and action', async () => {
      await taggedRun(0)
      const events = await listAll({ actor: 'alice/token:ci', action: 'experiment.create' })
      const expected = (await exported()).filter(
        (e) => e.actor === 'alice/token:ci' && e.action === 'experiment.create',
      )
      expect(expected.length).toBeGreaterThan(0)
      expect(events).toEqual(newestFirst(expected))
    })

    it('filters by a time range that includes both ends', async () => {
      await taggedRun(4)
      const all = await exported()
      const [fromMs, toMs] = [all[2]!.timeMs, all[all.length - 2]!.timeMs]
      const events = await listAll({ fromMs: String(fromMs), toMs: String(toMs) })
      expect(events).toEqual(newestFirst(all.filter((e) => e.timeMs >= fromMs && e.timeMs <= toMs)))
    })

    it('pages through a filtered list without gaps or repeats', async () => {
      const runId = await taggedRun(5)
      const pages = await listAll({ objectId: runId, maxResults: '2' })
      expect(pages).toEqual(await listAll({ objectId: runId }))
      expect(pages.map((e) => e.seq)).toEqual([...new Set(pages.map((e) => e.seq))])
      expect(pages).toHaveLength(6)
    })
  })

  it('exports the whole log as JSON Lines that verify offline', async () => {
    await taggedRun(2)
    const res = await admin().get('/api/v1/audit/export')
    expect(res.headers['content-type']).toBe('application/x-ndjson')
    const events = res.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditEvent)
    const head = await t.store.audit.head()
    expect(verifyChain(events)).toEqual({ ok: true, count: head.seq, headHash: head.hash })
  })

  it('verifies the stored chain on request', async () => {
    await taggedRun(1)
    const head = await t.store.audit.head()
    const res = await admin().post('/api/v1/audit/verify')
    expect(res.body).toEqual({ ok: true, count: head.seq, headHash: head.hash, storedHeadSeq: head.seq })
  })

  describe('checkpoints and proofs', () => {
    it('signs a checkpoint whose root is the Merkle root of the exported events', async () => {
      await taggedRun(2)
      const checkpoint = await signedCheckpoint()
      const events = await exported()
      expect(checkpoint.verifierKey).toBe((await admin().get('/api/v1/audit/public-key')).body.verifierKey)
      const root = rootFromLeafHashes(events.slice(0, checkpoint.treeSize).map((e) => eventLeafHash(e.hash)))
      expect(checkpoint.signed).toEqual({ origin: 'provena-audit', treeSize: events.length, rootHash: root })
      expect(checkpoint.rootHash).toBe(root.toString('hex'))
      expect((await t.alice().get('/api/v1/audit/checkpoints/latest')).body).toEqual({
        treeSize: checkpoint.treeSize,
        rootHash: checkpoint.rootHash,
        note: checkpoint.note,
        verifierKey: checkpoint.verifierKey,
      })
    })

    it('proves every event included in a signed checkpoint', async () => {
      await taggedRun(2)
      const { signed } = await signedCheckpoint()
      const events = await exported()
      const verdicts = []
      for (const event of events.slice(0, signed.treeSize)) {
        const { body } = await admin().get(
          `/api/v1/audit/proofs/inclusion?seq=${event.seq}&treeSize=${signed.treeSize}`,
        )
        const leaf = eventLeafHash(event.hash)
        expect(body.leafHash).toBe(leaf.toString('hex'))
        verdicts.push(
          verifyInclusion(leaf, event.seq - 1, signed.treeSize, body.proof.map(hashFromHex), signed.rootHash),
        )
      }
      expect(verdicts).toEqual(events.slice(0, signed.treeSize).map(() => true))
    })

    it('proves a later checkpoint consistent with an earlier one', async () => {
      await taggedRun(1)
      const earlier = (await signedCheckpoint()).signed
      await taggedRun(3)
      const later = (await signedCheckpoint()).signed
      const { body } = await admin().get(
        `/api/v1/audit/proofs/consistency?fromSize=${earlier.treeSize}&toSize=${later.treeSize}`,
      )
      expect(later.treeSize).toBe(earlier.treeSize + 5)
      expect(
        verifyConsistency(
          earlier.treeSize,
          later.treeSize,
          earlier.rootHash,
          later.rootHash,
          body.proof.map(hashFromHex),
        ),
      ).toBe(true)
    })
  })

  it('keeps the audit routes to admins', async () => {
    const routes = [
      ['GET', '/api/v1/audit/events'],
      ['GET', '/api/v1/audit/export'],
      ['POST', '/api/v1/audit/verify'],
      ['POST', '/api/v1/audit/checkpoints'],
      ['GET', '/api/v1/audit/proofs/inclusion?seq=1'],
      ['GET', '/api/v1/audit/proofs/consistency?fromSize=1'],
    ] as const
    const statuses = async (api: ReturnType<typeof apiCaller>) =>
      Promise.all(
        routes.map(async ([method, url]) => (method === 'GET' ? api.get(url) : api.post(url)).then((r) => r.status)),
      )
    expect({
      anonymous: await statuses(apiCaller(t.app)),
      alice: await statuses(t.alice()),
      admin: await statuses(admin()),
    }).toEqual({
      anonymous: routes.map(() => 401),
      alice: routes.map(() => 403),
      admin: routes.map(() => 200),
    })
  })
})
