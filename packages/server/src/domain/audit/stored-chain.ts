import type { Store } from '../../storage/store.js'
import { type ChainVerification, createChainVerifier, GENESIS_HASH, hashStoredEvent } from './event-hash.js'

const PAGE_SIZE = 10_000

export type StoredChainVerification = ChainVerification & { storedHeadSeq: number }

/** A run of consecutive seqs, both ends included. */
export interface ChainSegment {
  fromSeq: number
  toSeq: number
}

/**
 * What one segment says on its own: how many of its events verified (links and content hashes
 * inside the segment), the prevHash its event at fromSeq claims (null when there is none) and the
 * hash of its last verified event. Whether the first event links to the segment before is for
 * the caller to check.
 */
export interface SegmentVerification extends ChainSegment {
  count: number
  firstPrevHash: string | null
  lastHash: string | null
  failure: { firstBadSeq: number; reason: string } | null
}

/**
 * Verifies segments, in any order and with any parallelism (e.g. one worker thread each);
 * `onProgress` gets the number of events checked so far over all segments.
 */
export type SegmentRunner = (
  segments: ChainSegment[],
  onProgress: (checked: number) => void,
) => Promise<SegmentVerification[]>

export interface StoredChainOptions {
  /** Split the chain into this many segments, each verified on its own, then joined. Default 1. */
  segments?: number
  /** Verifies the segments; by default one after another over `store`. */
  runSegments?: SegmentRunner
}

/**
 * Walks every stored audit event in seq order and reports the first one where an edit, a
 * deletion, an insertion or a reordering breaks the chain; also compares the chain's head row.
 * A deleted tail or a wholesale rewrite needs a checkpoint kept elsewhere to be detected.
 *
 * With several segments each is verified on its own (on a machine with several cores, in
 * parallel) and the joins are checked after: segment k's first event must carry the hash of
 * segment k-1's last one. The outcome is the same as walking the chain in one go.
 */
export async function verifyStoredChain(
  store: Store,
  onProgress?: (checked: number, total: number) => void,
  options: StoredChainOptions = {},
): Promise<StoredChainVerification> {
  const head = await store.audit.head()
  const segments = splitChain(head.seq, options.segments ?? 1)
  const runSegments = options.runSegments ?? runSegmentsInTurn(store)
  const verified = (await runSegments(segments, (checked) => onProgress?.(checked, head.seq))).toSorted(
    (a, b) => a.fromSeq - b.fromSeq,
  )

  let count = 0
  let prevHash = GENESIS_HASH
  for (const segment of verified) {
    // Checked before the segment's own failure, in the order a single walk checks: seq, link, content.
    if (segment.fromSeq > 1 && segment.firstPrevHash !== null && segment.firstPrevHash !== prevHash) {
      return failed(
        count,
        segment.fromSeq,
        `prevHash does not match the hash of event ${segment.fromSeq - 1} (an event was inserted, deleted, reordered or rewritten)`,
        head.seq,
      )
    }
    if (segment.failure) {
      return { ok: false, count: count + segment.count, ...segment.failure, storedHeadSeq: head.seq }
    }
    count += segment.count
    if (segment.lastHash !== null) prevHash = segment.lastHash
  }

  // Events after the head row's seq: the head was moved back, or events were appended since it was read.
  const tail = await verifyChainSegment(store, { fromSeq: head.seq + 1, toSeq: Number.MAX_SAFE_INTEGER })
  if (tail.firstPrevHash !== null && tail.firstPrevHash !== prevHash) {
    return failed(count, head.seq + 1, `prevHash does not match the hash of event ${head.seq}`, head.seq)
  }
  if (tail.failure) return { ok: false, count: count + tail.count, ...tail.failure, storedHeadSeq: head.seq }
  count += tail.count
  const headHash = tail.lastHash ?? prevHash
  if (count !== head.seq || headHash !== head.hash) {
    return failed(
      count,
      count + 1,
      `the chain head records ${head.seq} events but ${count} verified (events at the end were deleted, or the head was edited)`,
      head.seq,
      false,
    )
  }
  return { ok: true, count, headHash, storedHeadSeq: head.seq }
}

function failed(
  count: number,
  firstBadSeq: number,
  problem: string,
  storedHeadSeq: number,
  namesEvent = true,
): StoredChainVerification {
  return {
    ok: false,
    count,
    firstBadSeq,
    reason: namesEvent ? `event ${firstBadSeq}: ${problem}` : problem,
    storedHeadSeq,
  }
}

/** Seqs 1..size in `parts` consecutive segments of nearly equal length (none when size is 0). */
function splitChain(size: number, parts: number): ChainSegment[] {
  const count = Math.max(1, Math.min(Math.floor(parts), size))
  const segments: ChainSegment[] = []
  for (let i = 0; i < count && size > 0; i++) {
    segments.push({ fromSeq: Math.floor((size * i) / count) + 1, toSeq: Math.floor((size * (i + 1)) / count) })
  }
  return segments
}

function runSegmentsInTurn(store: Store): SegmentRunner {
  return async (segments, onProgress) => {
    const verified: SegmentVerification[] = []
    let done = 0
    for (const segment of segments) {
      const result = await verifyChainSegment(store, segment, (checked) => onProgress(done + checked))
      done += result.count
      verified.push(result)
    }
    return verified
  }
}

/**
 * Verifies the events `fromSeq..toSeq` on their own: seqs without gaps from `fromSeq`, each
 * event's prevHash equal to the hash of the one before, each hash equal to the hash of its
 * content. The first event's prevHash is only checked for seq 1 (the genesis hash); for a later
 * segment it is returned for the caller to join. Reads in pages, so memory stays flat.
 */
export async function verifyChainSegment(
  store: Store,
  { fromSeq, toSeq }: ChainSegment,
  onProgress?: (checked: number) => void,
): Promise<SegmentVerification> {
  let verifier: ReturnType<typeof createChainVerifier> | undefined
  let firstPrevHash: string | null = null
  let after = fromSeq - 1
  while (after < toSeq) {
    const rows = await store.audit.range(after, Math.min(PAGE_SIZE, toSeq - after))
    for (const row of rows) {
      if (verifier === undefined) {
        // Only the event at fromSeq links into the segment; any other first row fails its seq check.
        if (row.seq === fromSeq) firstPrevHash = row.prevHash
        verifier = createChainVerifier({
          expectedFirstSeq: fromSeq,
          expectedPrevHash: fromSeq === 1 ? GENESIS_HASH : row.prevHash,
        })
      }
      // The stored JSON text is hashed as it is: an edit of any byte, even one that keeps the
      // parsed value (added white space), changes the hash.
      if (!verifier.pushLink(row, hashStoredEvent(row))) return segmentResult(fromSeq, toSeq, verifier, firstPrevHash)
    }
    const last = rows[rows.length - 1]
    if (!last || rows.length < Math.min(PAGE_SIZE, toSeq - after)) break
    after = last.seq
    onProgress?.(verifier?.result().count ?? 0)
  }
  onProgress?.(verifier?.result().count ?? 0)
  return segmentResult(fromSeq, toSeq, verifier, firstPrevHash)
}

function segmentResult(
  fromSeq: number,
  toSeq: number,
  verifier: ReturnType<typeof createChainVerifier> | undefined,
  firstPrevHash: string | null,
): SegmentVerification {
  const result = verifier?.result()
  if (result === undefined) return { fromSeq, toSeq, count: 0, firstPrevHash: null, lastHash: null, failure: null }
  if (!result.ok) {
    const { firstBadSeq, reason } = result
    return { fromSeq, toSeq, count: result.count, firstPrevHash, lastHash: null, failure: { firstBadSeq, reason } }
  }
  return { fromSeq, toSeq, count: result.count, firstPrevHash, lastHash: result.headHash, failure: null }
}
