import { hash } from 'node:crypto'
import { canonicalJson } from './canonical-json.js'

/** An audit event without its own hash: exactly the fields that `hashEvent` covers. */
export interface AuditEventBody {
  /** Position in the log: 1, 2, 3, ... without gaps. */
  seq: number
  timeMs: number
  /** User name, token name or 'local-admin'. */
  actor: string
  /** 'user' | 'token' | 'local-admin' | 'anonymous' | 'system'. */
  actorKind: string
  sourceIp: string | null
  requestId: string | null
  /** What happened, e.g. 'experiment.create'. */
  action: string
  /** What kind of object it happened to, e.g. 'experiment'. */
  objectType: string
  objectId: string | null
  /** JSON value or null. */
  before: unknown
  /** JSON value or null. */
  after: unknown
  /** JSON value or null, e.g. a metric batch's size and digest. */
  details: unknown
  /** Lowercase hex SHA-256 of the previous event, or GENESIS_HASH for seq 1. */
  prevHash: string
}

/** An audit event as stored: its body and the lowercase hex SHA-256 of the body's canonical JSON. */
export interface AuditEvent extends AuditEventBody {
  hash: string
}

/** The prevHash of the first event: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64)

// The fields hashEvent covers, in the UTF-16 order RFC 8785 sorts them in, each with the text before its value.
// hashEvent writes the outer object itself because sorting and quoting the same 13 keys for every
// event would be a third of the cost of verifying a long chain; a test checks that the text is the
// same as canonicalJson of the body.
const BODY_FIELDS = (
  [
    'seq',
    'timeMs',
    'actor',
    'actorKind',
    'sourceIp',
    'requestId',
    'action',
    'objectType',
    'objectId',
    'before',
    'after',
    'details',
    'prevHash',
  ] as const satisfies readonly (keyof AuditEventBody)[]
)
  .toSorted()
  .map((name, i) => ({ name, prefix: `${i === 0 ? '{' : ','}${canonicalJson(name)}:` }))

/**
 * Lowercase hex SHA-256 of the UTF-8 bytes of the RFC 8785 canonical JSON of the event's body fields.
 * Other properties, such as a stored event's own `hash`, are not covered.
 */
export function hashEvent(body: AuditEventBody): string {
  let text = ''
  for (const { name, prefix } of BODY_FIELDS) {
    const value = body[name]
    // canonicalJson would leave the member out, yet the stored row would hold null: refuse the ambiguity.
    if (value === undefined) throw new TypeError(`audit event field '${name}' is undefined; use null`)
    text += prefix + canonicalJson(value)
  }
  return hash('sha256', `${text}}`, 'hex')
}

/** An event as stored: its JSON fields as the canonical text they were written as. */
export interface StoredEventFields extends Omit<AuditEventBody, 'before' | 'after' | 'details'> {
  beforeJson: string
  afterJson: string
  detailsJson: string
}

/** canonicalJson of a string-or-null column: the common case without canonicalJson's dispatch. */
function textOrNull(value: string | null): string {
  return value === null ? 'null' : canonicalJson(value)
}

/**
 * hashEvent of a stored row without parsing its JSON fields: their stored text goes into the
 * hash as it is. The server only stores canonical text, so for an untouched row this equals
 * hashEvent of the parsed event; any changed byte (even white space) changes the hash.
 *
 * Verification calls this a million times for a million events, so the canonical text is written
 * out in one template in RFC 8785 key order rather than through the generic loop of hashEvent;
 * tests check that both give the same hash.
 */
export function hashStoredEvent(row: StoredEventFields): string {
  const text =
    `{"action":${canonicalJson(row.action)},"actor":${canonicalJson(row.actor)},` +
    `"actorKind":${canonicalJson(row.actorKind)},"after":${row.afterJson},"before":${row.beforeJson},` +
    `"details":${row.detailsJson},"objectId":${textOrNull(row.objectId)},"objectType":${canonicalJson(row.objectType)},` +
    `"prevHash":${canonicalJson(row.prevHash)},"requestId":${textOrNull(row.requestId)},"seq":${canonicalJson(row.seq)},` +
    `"sourceIp":${textOrNull(row.sourceIp)},"timeMs":${canonicalJson(row.timeMs)}}`
  return hash('sha256', text, 'hex')
}

/** Where a verification starts: by default at seq 1, whose prevHash is GENESIS_HASH. */
export interface ChainVerificationOptions {
  /** The seq of the first event given; default 1. */
  expectedFirstSeq?: number
  /** The prevHash the first event must have; default GENESIS_HASH, and required when expectedFirstSeq is not 1. */
  expectedPrevHash?: string
}

/**
 * The outcome of walking a chain. `count` is the number of events that verified; on failure
 * `firstBadSeq` is the seq the first bad event should have had, so every event before it is intact.
 */
export type ChainVerification =
  | { ok: true; count: number; headHash: string }
  | { ok: false; count: number; firstBadSeq: number; reason: string }

/** Checks events one at a time; `push` returns false from the first bad event on, and ignores later ones. */
export interface ChainVerifier {
  push(event: AuditEvent): boolean
  /** As push, for a link whose content hash was computed by the caller (e.g. hashStoredEvent). */
  pushLink(link: Pick<AuditEvent, 'seq' | 'prevHash' | 'hash'>, contentHash: string): boolean
  result(): ChainVerification
}

/** A verifier that holds only the previous seq and hash, so a chain of any length streams through it. */
export function createChainVerifier(options: ChainVerificationOptions = {}): ChainVerifier {
  let expectedSeq = options.expectedFirstSeq ?? 1
  if (!Number.isSafeInteger(expectedSeq)) throw new RangeError(`expectedFirstSeq ${expectedSeq} is not an integer`)
  if (expectedSeq !== 1 && options.expectedPrevHash === undefined) {
    // Without it the first event's link could not be checked, and a forged head would pass.
    throw new RangeError('expectedPrevHash is required when expectedFirstSeq is not 1')
  }
  let prevHash = options.expectedPrevHash ?? GENESIS_HASH
  let count = 0
  let failure: { firstBadSeq: number; reason: string } | undefined
  function pushLink(link: Pick<AuditEvent, 'seq' | 'prevHash' | 'hash'>, contentHash: () => string): boolean {
    if (failure !== undefined) return false
    const problem = findProblem(link, contentHash, expectedSeq, prevHash)
    if (problem !== undefined) {
      failure = { firstBadSeq: expectedSeq, reason: `event ${expectedSeq}: ${problem}` }
      return false
    }
    count++
    expectedSeq++
    prevHash = link.hash
    return true
  }
  return {
    push: (event) => pushLink(event, () => hashEvent(event)),
    pushLink: (link, contentHash) => pushLink(link, () => contentHash),
    result() {
      return failure === undefined ? { ok: true, count, headHash: prevHash } : { ok: false, count, ...failure }
    },
  }
}

/** What is wrong with `event` as the successor of the event with seq `expectedSeq - 1` and hash `prevHash`. */
function findProblem(
  event: Pick<AuditEvent, 'seq' | 'prevHash' | 'hash'>,
  contentHash: () => string,
  expectedSeq: number,
  prevHash: string,
): string | undefined {
  if (event.seq !== expectedSeq) return describeSeqGap(expectedSeq, event.seq)
  if (event.prevHash !== prevHash) {
    if (expectedSeq === 1 && prevHash === GENESIS_HASH) return 'prevHash is not the genesis hash (64 zeros)'
    return `prevHash does not match the hash of event ${expectedSeq - 1} (an event was inserted, deleted, reordered or rewritten)`
  }
  if (event.hash !== contentHash()) return 'hash does not match its content (edited?)'
  return undefined
}

function describeSeqGap(expectedSeq: number, foundSeq: number): string {
  const found = `expected seq ${expectedSeq} but found ${foundSeq}`
  if (!Number.isSafeInteger(foundSeq)) return `${found} (not an integer)`
  const missing = foundSeq - expectedSeq
  if (missing === 1) return `${found} (an event is missing)`
  if (missing > 1) return `${found} (${missing} events are missing)`
  return `${found} (an event is duplicated or out of order)`
}

/** Walks `events` in the given order and reports the first one that breaks the chain. */
export function verifyChain(events: Iterable<AuditEvent>, options?: ChainVerificationOptions): ChainVerification {
  const verifier = createChainVerifier(options)
  for (const event of events) if (!verifier.push(event)) break
  return verifier.result()
}

/** verifyChain over a stream, e.g. a database cursor; stops reading at the first bad event. */
export async function verifyChainAsync(
  events: AsyncIterable<AuditEvent>,
  options?: ChainVerificationOptions,
): Promise<ChainVerification> {
  const verifier = createChainVerifier(options)
  for await (const event of events) if (!verifier.push(event)) break
  return verifier.result()
}
