import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { eventToRow } from './audit-log.js'
import { canonicalJson } from './canonical-json.js'
import {
  type AuditEvent,
  type AuditEventBody,
  type ChainVerification,
  GENESIS_HASH,
  hashEvent,
  hashStoredEvent,
  verifyChain,
  verifyChainAsync,
} from './event-hash.js'

const SAMPLE_BODY: AuditEventBody = {
  seq: 1,
  timeMs: 1_700_000_000_000,
  actor: 'alice',
  actorKind: 'user',
  sourceIp: '127.0.0.1',
  requestId: 'req-1',
  action: 'experiment.create',
  objectType: 'experiment',
  objectId: 'exp-1',
  before: null,
  after: { name: 'Zürich 😀', tags: { b: 1.5, a: [true, null] } },
  details: null,
  prevHash: GENESIS_HASH,
}

/** A valid chain of `length` events whose content differs per event. */
function buildChain(length: number): AuditEvent[] {
  const events: AuditEvent[] = []
  let prevHash = GENESIS_HASH
  for (let seq = 1; seq <= length; seq++) {
    const body: AuditEventBody = {
      ...SAMPLE_BODY,
      seq,
      timeMs: 1_700_000_000_000 + seq,
      objectId: `exp-${seq}`,
      prevHash,
    }
    const event = { ...body, hash: hashEvent(body) }
    events.push(event)
    prevHash = event.hash
  }
  return events
}

/** The same event with `change` applied and its hash recomputed, as a forger who knows the scheme would. */
function rehashed(event: AuditEvent, change: Partial<AuditEventBody>): AuditEvent {
  const body = { ...event, ...change }
  return { ...body, hash: hashEvent(body) }
}

async function* stream(events: AuditEvent[]): AsyncGenerator<AuditEvent> {
  yield* events
}

/** Both entry points, so every chain test checks that they agree. */
async function verifyBothWays(
  events: AuditEvent[],
  options?: Parameters<typeof verifyChain>[1],
): Promise<ChainVerification> {
  const result = verifyChain(events, options)
  expect(await verifyChainAsync(stream(events), options)).toEqual(result)
  return result
}

describe('hashEvent', () => {
  it('matches a known answer computed independently (Python json.dumps with sorted keys)', () => {
    expect(hashEvent(SAMPLE_BODY)).toBe('98efd8f69e0d2d672ac6f7868d2bc852873b56cf6bd2e95f94f92cb97aae58cf')
  })

  it('is the SHA-256 of the UTF-8 bytes of the canonical JSON of the body', () => {
    const bodies: AuditEventBody[] = [
      SAMPLE_BODY,
      { ...SAMPLE_BODY, actor: 'quote " backslash \\ tab \t é 😀', before: { z: [1e21, -0, 0.1], a: '\u2028' } },
      { ...SAMPLE_BODY, details: { '10': 1, '9': 2, b: { y: null, x: true } }, after: [] },
    ]
    const sha256 = (text: string) => createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex')

    expect(bodies.map(hashEvent)).toEqual(bodies.map((body) => sha256(canonicalJson(body))))
  })

  it('ignores the stored hash and any other extra property', () => {
    const row = { ...SAMPLE_BODY, hash: 'f'.repeat(64), id: 42 }

    expect(hashEvent(row)).toBe(hashEvent(SAMPLE_BODY))
  })

  it('changes when any single field changes', () => {
    const changes: Partial<AuditEventBody>[] = [
      { seq: 2 },
      { timeMs: 1 },
      { actor: 'bob' },
      { actorKind: 'token' },
      { sourceIp: null },
      { requestId: null },
      { action: 'experiment.delete' },
      { objectType: 'run' },
      { objectId: null },
      { before: {} },
      { after: { name: 'Zürich 😀', tags: { b: 1.5, a: [true] } } },
      { details: 0 },
      { prevHash: 'a'.repeat(64) },
    ]
    const hashes = changes.map((change) => hashEvent({ ...SAMPLE_BODY, ...change }))

    expect(new Set([hashEvent(SAMPLE_BODY), ...hashes]).size).toBe(changes.length + 1)
  })

  it('throws a TypeError for an undefined field instead of hashing it as absent', () => {
    expect(() => hashEvent({ ...SAMPLE_BODY, before: undefined })).toThrow(TypeError)
  })
})

describe('verifyChain', () => {
  it('accepts an intact chain and returns its head hash', async () => {
    const events = buildChain(20)

    expect(await verifyBothWays(events)).toEqual({ ok: true, count: 20, headHash: events[19]!.hash })
  })

  it('accepts the empty chain, whose head is the genesis hash', async () => {
    expect(await verifyBothWays([])).toEqual({ ok: true, count: 0, headHash: GENESIS_HASH })
  })

  it('reports an event whose content was edited', async () => {
    const events = buildChain(20)
    events[16] = { ...events[16]!, actor: 'mallory' }

    expect(await verifyBothWays(events)).toEqual({
      ok: false,
      count: 16,
      firstBadSeq: 17,
      reason: 'event 17: hash does not match its content (edited?)',
    })
  })

  it('reports an edited and rehashed event at its successor, whose prevHash no longer matches', async () => {
    const events = buildChain(20)
    events[16] = rehashed(events[16]!, { actor: 'mallory' })

    expect(await verifyBothWays(events)).toEqual({
      ok: false,
      count: 17,
      firstBadSeq: 18,
      reason:
        'event 18: prevHash does not match the hash of event 17 (an event was inserted, deleted, reordered or rewritten)',
    })
  })

  it('reports a deleted event as a gap in seq', async () => {
    const events = buildChain(20)
    events.splice(16, 1)

    expect(await verifyBothWays(events)).toEqual({
      ok: false,
      count: 16,
      firstBadSeq: 17,
      reason: 'event 17: expected seq 17 but found 18 (an event is missing)',
    })
  })

  it('reports a deleted event whose successors were renumbered and rehashed by the broken link', async () => {
    const events = buildChain(20)
    events.splice(16, 1)
    events[16] = rehashed(events[16]!, { seq: 17 })

    expect(await verifyBothWays(events)).toMatchObject({ ok: false, count: 16, firstBadSeq: 17 })
    expect(verifyChain(events)).toHaveProperty('reason', expect.stringContaining('prevHash does not match'))
  })

  it('reports several missing events with their number', async () => {
    const events = buildChain(20)
    events.splice(4, 3)

    expect(await verifyBothWays(events)).toMatchObject({
      firstBadSeq: 5,
      reason: 'event 5: expected seq 5 but found 8 (3 events are missing)',
    })
  })

  it('reports swapped events', async () => {
    const events = buildChain(20)
    ;[events[9], events[10]] = [events[10]!, events[9]!]

    expect(await verifyBothWays(events)).toEqual({
      ok: false,
      count: 9,
      firstBadSeq: 10,
      reason: 'event 10: expected seq 10 but found 11 (an event is missing)',
    })
  })

  it('reports a duplicated event', async () => {
    const events = buildChain(20)
    events.splice(5, 0, events[4]!)

    expect(await verifyBothWays(events)).toMatchObject({
      count: 5,
      firstBadSeq: 6,
      reason: 'event 6: expected seq 6 but found 5 (an event is duplicated or out of order)',
    })
  })

  it('reports a seq that is not an integer', async () => {
    const events = buildChain(3)
    events[1] = rehashed(events[1]!, { seq: 2.5 })

    expect(await verifyBothWays(events)).toMatchObject({
      firstBadSeq: 2,
      reason: 'event 2: expected seq 2 but found 2.5 (not an integer)',
    })
  })

  it('reports an inserted event even when the forger rehashed it', async () => {
    const events = buildChain(20)
    const forged = rehashed(events[9]!, { actor: 'mallory' })
    events.splice(10, 0, forged)

    expect(await verifyBothWays(events)).toMatchObject({ ok: false, count: 10, firstBadSeq: 11 })
  })

  it('reports a first event that does not start from the genesis hash', async () => {
    const events = buildChain(3)
    events[0] = rehashed(events[0]!, { prevHash: 'a'.repeat(64) })

    expect(await verifyBothWays(events)).toEqual({
      ok: false,
      count: 0,
      firstBadSeq: 1,
      reason: 'event 1: prevHash is not the genesis hash (64 zeros)',
    })
  })

  it('verifies a tail of the log from a known predecessor', async () => {
    const events = buildChain(20)

    const result = await verifyBothWays(events.slice(10), { expectedFirstSeq: 11, expectedPrevHash: events[9]!.hash })

    expect(result).toEqual({ ok: true, count: 10, headHash: events[19]!.hash })
  })

  it('rejects a tail that does not continue from the given predecessor', async () => {
    const events = buildChain(20)

    const result = await verifyBothWays(events.slice(10), { expectedFirstSeq: 11, expectedPrevHash: events[8]!.hash })

    expect(result).toEqual({
      ok: false,
      count: 0,
      firstBadSeq: 11,
      reason:
        'event 11: prevHash does not match the hash of event 10 (an event was inserted, deleted, reordered or rewritten)',
    })
  })

  it('refuses to start past seq 1 without the expected prevHash', () => {
    expect(() => verifyChain([], { expectedFirstSeq: 5 })).toThrow(RangeError)
  })

  it('stops reading a stream at the first bad event', async () => {
    const events = buildChain(10)
    events[2] = { ...events[2]!, details: { edited: true } }
    let read = 0
    async function* counting(): AsyncGenerator<AuditEvent> {
      for (const event of events) {
        read++
        yield event
      }
    }

    await verifyChainAsync(counting())

    expect(read).toBe(3)
  })
})

describe('hashStoredEvent', () => {
  it('equals hashEvent of the parsed event for a row written by the audit log', () => {
    const body = {
      seq: 7,
      timeMs: 1_790_000_000_123,
      actor: 'alice/token:ci',
      actorKind: 'token',
      sourceIp: '::1',
      requestId: 'req-1',
      action: 'run.update',
      objectType: 'run',
      objectId: 'ab'.repeat(16),
      before: { status: 'RUNNING', tags: { 'é€': 'x\n"y"' }, n: 1e21 },
      after: { status: 'FINISHED', list: [1.5, null, true] },
      details: null,
      prevHash: 'cd'.repeat(32),
    }
    const row = eventToRow({ ...body, hash: hashEvent(body) })
    expect(hashStoredEvent(row)).toBe(hashEvent(body))
  })

  it('equals hashEvent for null columns and strings that need escaping', () => {
    const body = {
      seq: 123_456_789,
      timeMs: 0,
      actor: 'bob "the builder"\\',
      actorKind: 'user',
      sourceIp: null,
      requestId: null,
      action: 'auth.login_failed\t',
      objectType: 'user\u0001',
      objectId: null,
      before: null,
      after: 'text',
      details: [{ z: 1, a: 2 }],
      prevHash: GENESIS_HASH,
    }
    expect(hashStoredEvent(eventToRow({ ...body, hash: hashEvent(body) }))).toBe(hashEvent(body))
  })

  it('changes when stored JSON text gains white space that keeps its value', () => {
    const row = {
      seq: 1,
      timeMs: 1,
      actor: 'a',
      actorKind: 'user',
      sourceIp: null,
      requestId: null,
      action: 'x',
      objectType: 'y',
      objectId: null,
      beforeJson: '{"a":1}',
      afterJson: 'null',
      detailsJson: 'null',
      prevHash: GENESIS_HASH,
    }
    expect(hashStoredEvent({ ...row, beforeJson: '{"a": 1}' })).not.toBe(hashStoredEvent(row))
  })
})
