import {
  AuditEvent,
  CheckpointResponse,
  ConsistencyProofResponse,
  InclusionProofResponse,
  InternalError,
  ListAuditEventsResponse,
} from '@provena/contract'
import type { HttpClient, ResponseSchema } from './http-client.js'
import { parseJsonLines } from './json-lines.js'
import { memberSchema } from './member-schema.js'

/** The server's own check of its stored chain (see `audit.verify`). */
export interface AuditVerification {
  ok: boolean
  /** Events that verified, from seq 1 on. */
  count: number
  /** The number of events the chain's head row says there are. */
  storedHeadSeq: number
  /** On failure: the seq of the first event that does not verify. */
  firstBadSeq?: number
  reason?: string
  /** On success: the hash of the last event. */
  headHash?: string
}

/** What `audit.events` takes; every filter is optional. */
export interface AuditEventFilter {
  objectType?: string
  objectId?: string
  /** A user name, `alice/token:ci` for a token of alice's, `local-admin` or `system`. */
  actor?: string
  /** E.g. `experiment.create`. */
  action?: string
  /** Events recorded at or after this time (ms since the epoch). */
  fromMs?: number
  /** Events recorded at or before this time. */
  toMs?: number
  /** Page size (default 100). */
  maxResults?: number
  pageToken?: string
}

const isInteger = (value: unknown) => Number.isSafeInteger(value)
const isOptional = (value: unknown, type: 'number' | 'string') =>
  value === undefined || (type === 'number' ? isInteger(value) : typeof value === 'string')

// The contract has no schema for this answer, and the SDK does not depend on zod itself.
const AuditVerificationResponse: ResponseSchema<AuditVerification> = {
  safeParse(input) {
    const v = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>
    const isValid =
      typeof v.ok === 'boolean' &&
      isInteger(v.count) &&
      isInteger(v.storedHeadSeq) &&
      isOptional(v.firstBadSeq, 'number') &&
      isOptional(v.reason, 'string') &&
      isOptional(v.headHash, 'string')
    return isValid
      ? { success: true, data: input as AuditVerification }
      : { success: false, error: { message: 'not an audit verification result' } }
  },
}

const VerifierKeyResponse = memberSchema<string>('verifierKey', {
  safeParse: (input) =>
    typeof input === 'string'
      ? { success: true, data: input }
      : { success: false, error: { message: 'expected a verifier key string' } },
})

/**
 * The tamper-evident audit trail (admins only, but for the public key and the latest checkpoint).
 * The format of events, proofs and checkpoints is in docs/audit-format.md.
 */
export interface AuditApi {
  /** One page of events, newest first, filtered. */
  events(filter?: AuditEventFilter): Promise<ListAuditEventsResponse>
  /**
   * Every event in seq order, streamed from the server's JSON Lines export, e.g. to verify the
   * chain without trusting the server.
   * @example for await (const event of provena.audit.exportEvents()) verifier.push(event)
   */
  exportEvents(): AsyncIterable<AuditEvent>
  /** The server's own check of its stored chain; to trust no one, verify `exportEvents()` yourself. */
  verify(): Promise<AuditVerification>
  /** Signs a checkpoint of the whole log now; keep its `note` outside the server. */
  checkpoint(): Promise<CheckpointResponse>
  /** The newest signed checkpoint (NotFoundError before the first one). */
  latestCheckpoint(): Promise<CheckpointResponse>
  /** The verifier key of the server's checkpoints, `<name>+<key id>+<base64 key>`. */
  publicKey(): Promise<string>
  /** The Merkle proof that event `seq` is in the log of `treeSize` events (default: all of them). */
  inclusionProof(seq: number, treeSize?: number): Promise<InclusionProofResponse>
  /** The Merkle proof that the log of `fromSize` events is a prefix of the log of `toSize` (default: all). */
  consistencyProof(fromSize: number, toSize?: number): Promise<ConsistencyProofResponse>
}

const BASE = '/api/v1/audit'

async function* exportedEvents(http: HttpClient): AsyncGenerator<AuditEvent> {
  for await (const value of parseJsonLines(await http.stream({ path: `${BASE}/export` }))) {
    const parsed = AuditEvent.safeParse(value)
    if (!parsed.success)
      throw new InternalError(`the audit export holds something that is not an event: ${parsed.error.message}`)
    yield parsed.data
  }
}

/** Binds the audit calls of the REST API to one HTTP client. */
export function createAuditApi(http: HttpClient): AuditApi {
  const get = <T>(path: string, response: ResponseSchema<T>, query?: Record<string, string | number | undefined>) =>
    http.request({ method: 'GET', path: `${BASE}${path}`, query, response, isIdempotent: true })
  return {
    events: (filter = {}) => get('/events', ListAuditEventsResponse, { ...filter }),
    exportEvents: () => exportedEvents(http),
    // Both POSTs only read, or sign what is there already, so a retry is harmless.
    verify: () =>
      http.request({ method: 'POST', path: `${BASE}/verify`, response: AuditVerificationResponse, isIdempotent: true }),
    checkpoint: () =>
      http.request({ method: 'POST', path: `${BASE}/checkpoints`, response: CheckpointResponse, isIdempotent: true }),
    latestCheckpoint: () => get('/checkpoints/latest', CheckpointResponse),
    publicKey: () => get('/public-key', VerifierKeyResponse),
    inclusionProof: (seq, treeSize) => get('/proofs/inclusion', InclusionProofResponse, { seq, treeSize }),
    consistencyProof: (fromSize, toSize) => get('/proofs/consistency', ConsistencyProofResponse, { fromSize, toSize }),
  }
}
