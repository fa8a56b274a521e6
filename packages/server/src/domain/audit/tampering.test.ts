import { InvalidInputError } from '@provena/contract'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { createServices, type Services } from '../../services.js'
import type { Database } from '../../storage/db/database.js'
import type { DialectKind } from '../../storage/db/dialects/dialect-kind.js'
import { createStore, type Store } from '../../storage/store.js'
import { createTestBlobStore, openTestStore } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'
import { LOCAL_ADMIN, type RequestContext } from '../auth/principal.js'
import { eventToRow, rowToEvent } from './audit-log.js'
import { hashEvent } from './event-hash.js'
import { hashFromHex, verifyConsistency } from './merkle-tree.js'
import { generateSignerKey, openNote, parseCheckpoint } from './signed-note.js'
import { verifyStoredChain as verifyStored } from './stored-chain.js'

const CTX: RequestContext = { principal: LOCAL_ADMIN, sourceIp: '192.0.2.7', requestId: 'req-tamper' }
const EVENTS = 20

/** Replaces the character at `index` (from the end when negative) with another one: a one-byte edit. */
function editOneByte(text: string, index = -1): string {
  const at = index < 0 ? text.length + index : index
  const replacement = text[at] === 'a' ? 'b' : 'a'
  return text.slice(0, at) + replacement + text.slice(at + 1)
}

/**
 * Appends round `round` of the log: experiment.create (seq 5r-4), experiment.update (5r-3),
 * run.create (5r-2), run.set_tag (5r-1), run.log_batch (5r).
 */
async function appendRound(services: Services, round: number) {
  const experiment = await services.experiments.create(CTX, { name: `tamper-${round}` })
  await services.experiments.update(CTX, experiment.id, { description: `round ${round}` })
  const run = await services.runs.create(CTX, { experimentId: experiment.id, status: 'RUNNING' })
  await services.runs.setTag(CTX, run.id, 'stage', 'dev')
  await services.metrics.logBatch(CTX, run.id, {
    metrics: [{ key: 'loss', value: 1 / round, step: round, timestampMs: 1000 * round }],
    params: [],
    tags: [],
  })
}

/**
 * One database per dialect holds a log of 20 events. Each test tampers with it inside a transaction
 * that is rolled back when the test ends, so every test starts from the untouched log.
 */
function tamperableLog(dialect: DialectKind) {
  const signerKey = generateSignerKey('provena-test')
  let database: Database
  beforeAll(async () => {
    const opened = await openTestStore(dialect)
    database = opened.database
    const services = createServices({ store: opened.store, blobs: createTestBlobStore(), signerKey })
    for (let round = 1; round <= EVENTS / 5; round++) await appendRound(services, round)
  })
  afterAll(async () => database.close())

  return async function openLog() {
    const db = await database.db.startTransaction().execute()
    onTestFinished(() => db.rollback().execute())
    // On SQLite the raw connection is the one the transaction is open on, so verification's bulk reads see the edits.
    const store = createStore({ db, kind: database.kind, sqlite: database.sqlite, isInTransaction: true })
    const services = createServices({ store, blobs: createTestBlobStore(), signerKey })
    const row = async (seq: number) => {
      const found = await db.selectFrom('auditEvents').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow()
      return { ...found, seq: Number(found.seq), timeMs: Number(found.timeMs) }
    }
    return { db, store, services, row, appendRound: (round: number) => appendRound(services, round) }
  }
}

type Log = Awaited<ReturnType<ReturnType<typeof tamperableLog>>>
type AuditRow = Awaited<ReturnType<Log['row']>>

/** The reason is for people; what matters is that it starts by naming the first broken event. */
const namesEvent = (seq: number) => expect.stringMatching(new RegExp(`^event ${seq}: `))

// Verified in one walk, and in 7 segments checked on their own and joined (as the CLI does with
// several threads): segments 1-2, 3-5, 6-8, 9-11, 12-14, 15-17, 18-20, so edits land at the
// start, the middle and the end of a segment.
const MODES = testDialects().flatMap((dialect) => [
  { dialect, segments: 1 },
  { dialect, segments: 7 },
])

describe.each(MODES)(
  'tampering with the stored audit log on $dialect, verified in $segments segment(s)',
  ({ dialect, segments }) => {
    const openLog = tamperableLog(dialect)
    const verifyStoredChain = (store: Store) => verifyStored(store, undefined, { segments })

    it('verifies an untouched log of 20 events', async () => {
      const log = await openLog()
      expect(await verifyStoredChain(log.store)).toEqual({
        ok: true,
        count: EVENTS,
        headHash: (await log.row(EVENTS)).hash,
        storedHeadSeq: EVENTS,
      })
    })

    const edits: [field: string, seq: number, edit: (row: AuditRow) => Partial<AuditRow>][] = [
      ['actor', 7, (r) => ({ actor: editOneByte(r.actor) })],
      ['actorKind', 3, (r) => ({ actorKind: editOneByte(r.actorKind) })],
      ['action', 8, (r) => ({ action: editOneByte(r.action) })],
      ['sourceIp', 4, (r) => ({ sourceIp: editOneByte(r.sourceIp ?? '') })],
      ['requestId', 5, (r) => ({ requestId: editOneByte(r.requestId ?? '') })],
      ['objectId', 6, (r) => ({ objectId: editOneByte(r.objectId ?? '', 0) })],
      ['timeMs', 13, (r) => ({ timeMs: r.timeMs + 1 })],
      ['before_json white space', 7, (r) => ({ beforeJson: ` ${r.beforeJson}` })],
      ['after_json value', 12, (r) => ({ afterJson: r.afterJson.replace('"round 3"', '"round 4"') })],
      [
        'after_json key order',
        2,
        (r) => ({ afterJson: JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(r.afterJson)).reverse())) }),
      ],
      ['details_json ending', 5, (r) => ({ detailsJson: r.detailsJson.slice(0, -1) })],
      ['details_json value', 10, (r) => ({ detailsJson: r.detailsJson.replace('"metrics":1', '"metrics":2') })],
      ['hash', 14, (r) => ({ hash: editOneByte(r.hash) })],
      ['prev_hash', 15, (r) => ({ prevHash: editOneByte(r.prevHash) })],
    ]

    it.each(edits)('names the event whose %s was changed in the database (event %i)', async (_field, seq, edit) => {
      const log = await openLog()
      const original = await log.row(seq)
      const patch = edit(original)
      expect({ ...original, ...patch }).not.toEqual(original)
      await log.db.updateTable('auditEvents').set(patch).where('seq', '=', seq).execute()
      expect(await verifyStoredChain(log.store)).toEqual({
        ok: false,
        count: seq - 1,
        firstBadSeq: seq,
        reason: namesEvent(seq),
        storedHeadSeq: EVENTS,
      })
    })

    it('names the place of a deleted event', async () => {
      const log = await openLog()
      await log.db.deleteFrom('auditEvents').where('seq', '=', 9).execute()
      expect(await verifyStoredChain(log.store)).toEqual({
        ok: false,
        count: 8,
        firstBadSeq: 9,
        reason: namesEvent(9),
        storedHeadSeq: EVENTS,
      })
    })

    it('refuses a second event with a seq that is taken', async () => {
      const log = await openLog()
      const forged = { ...(await log.row(5)), actor: 'mallory' }
      await expect(log.db.insertInto('auditEvents').values(forged).execute()).rejects.toThrow()
    })

    it('names the event after a correctly chained forgery inserted between two events', async () => {
      const log = await openLog()
      // Make room after event 11 (two steps, because the primary key is checked row by row).
      await log.db
        .updateTable('auditEvents')
        .set((eb) => ({ seq: eb('seq', '+', 1000) }))
        .where('seq', '>', 11)
        .execute()
      await log.db
        .updateTable('auditEvents')
        .set((eb) => ({ seq: eb('seq', '-', 999) }))
        .where('seq', '>', 1000)
        .execute()
      const eleventh = rowToEvent(await log.row(11))
      const body = { ...eleventh, seq: 12, actor: 'mallory', action: 'experiment.delete', prevHash: eleventh.hash }
      await log.db
        .insertInto('auditEvents')
        .values(eventToRow({ ...body, hash: hashEvent(body) }))
        .execute()
      // The forgery links to event 11, so the first event that no longer links is the one it pushed back.
      expect(await verifyStoredChain(log.store)).toEqual({
        ok: false,
        count: 12,
        firstBadSeq: 13,
        reason: namesEvent(13),
        storedHeadSeq: EVENTS,
      })
    })

    it.each([
      [5, 6],
      [4, 16],
    ])('names the first of two events whose contents were swapped (%i and %i)', async (first, second) => {
      const log = await openLog()
      const [a, b] = [await log.row(first), await log.row(second)]
      await log.db.deleteFrom('auditEvents').where('seq', 'in', [first, second]).execute()
      await log.db
        .insertInto('auditEvents')
        .values([
          { ...b, seq: first },
          { ...a, seq: second },
        ])
        .execute()
      expect(await verifyStoredChain(log.store)).toEqual({
        ok: false,
        count: first - 1,
        firstBadSeq: first,
        reason: namesEvent(first),
        storedHeadSeq: EVENTS,
      })
    })

    it('reports a deleted tail through the chain head row', async () => {
      const log = await openLog()
      await log.db
        .deleteFrom('auditEvents')
        .where('seq', '>', EVENTS - 3)
        .execute()
      expect(await verifyStoredChain(log.store)).toEqual({
        ok: false,
        count: EVENTS - 3,
        firstBadSeq: EVENTS - 2,
        reason: expect.stringMatching(
          new RegExp(`^the chain head records ${EVENTS} events but ${EVENTS - 3} verified`),
        ),
        storedHeadSeq: EVENTS,
      })
    })

    describe('a deleted tail with a rewritten head row', () => {
      /** Signs a checkpoint of the whole log, kept outside the database, then cuts 3 events and fixes the head. */
      async function truncateAfterCheckpoint() {
        const log = await openLog()
        const checkpoint = await log.services.audit.checkpoint(CTX)
        const signed = parseCheckpoint(openNote(checkpoint.note, checkpoint.verifierKey).body)
        await log.db
          .deleteFrom('auditEvents')
          .where('seq', '>', EVENTS - 3)
          .execute()
        await log.db.deleteFrom('auditCheckpoints').execute()
        const newHead = await log.row(EVENTS - 3)
        await log.db
          .updateTable('auditHead')
          .set({ seq: newHead.seq, hash: newHead.hash })
          .where('id', '=', 1)
          .execute()
        return { log, signed }
      }

      it('passes the stored-chain check alone', async () => {
        const { log } = await truncateAfterCheckpoint()
        expect(await verifyStoredChain(log.store)).toEqual({
          ok: true,
          count: EVENTS - 3,
          headHash: (await log.row(EVENTS - 3)).hash,
          storedHeadSeq: EVENTS - 3,
        })
      })

      it('cannot be proved consistent with the checkpoint signed before', async () => {
        const { log, signed } = await truncateAfterCheckpoint()
        await expect(log.services.audit.consistencyProof(CTX, signed.treeSize)).rejects.toThrow(InvalidInputError)
      })

      it('stays inconsistent with the checkpoint once new events make the log longer again', async () => {
        const { log, signed } = await truncateAfterCheckpoint()
        await log.appendRound(5)
        const proof = await log.services.audit.consistencyProof(CTX, signed.treeSize)
        expect(proof.toSize).toBe(EVENTS + 2)
        const isConsistent = verifyConsistency(
          signed.treeSize,
          proof.toSize,
          signed.rootHash,
          hashFromHex(proof.toRoot),
          proof.proof.map(hashFromHex),
        )
        expect(isConsistent).toBe(false)
      })
    })

    it('proves an untouched log consistent with a checkpoint signed before it grew', async () => {
      const log = await openLog()
      const checkpoint = await log.services.audit.checkpoint(CTX)
      const signed = parseCheckpoint(openNote(checkpoint.note, checkpoint.verifierKey).body)
      await log.appendRound(5)
      const proof = await log.services.audit.consistencyProof(CTX, signed.treeSize)
      expect(
        verifyConsistency(
          signed.treeSize,
          proof.toSize,
          signed.rootHash,
          hashFromHex(proof.toRoot),
          proof.proof.map(hashFromHex),
        ),
      ).toBe(true)
    })
  },
)
