import type { Store } from '../../storage/store.js'
import { type ChainVerification, createChainVerifier, hashStoredEvent } from './event-hash.js'

const PAGE_SIZE = 10_000

export type StoredChainVerification = ChainVerification & { storedHeadSeq: number }

/**
 * Walks every stored audit event in seq order and reports the first one where an edit, a
 * deletion, an insertion or a reordering breaks the chain; also compares the chain's head row.
 * A deleted tail or a wholesale rewrite needs a checkpoint kept elsewhere to be detected.
 */
export async function verifyStoredChain(
  store: Store,
  onProgress?: (checked: number, total: number) => void,
): Promise<StoredChainVerification> {
  const head = await store.audit.head()
  const verifier = createChainVerifier()
  let after = 0
  for (;;) {
    const rows = await store.audit.range(after, PAGE_SIZE)
    for (const row of rows) {
      // The stored JSON text is hashed as it is: an edit of any byte, even one that keeps the
      // parsed value (added white space), changes the hash.
      if (!verifier.pushLink(row, hashStoredEvent(row))) return { ...verifier.result(), storedHeadSeq: head.seq }
    }
    onProgress?.(verifier.result().count, head.seq)
    const last = rows[rows.length - 1]
    if (!last || rows.length < PAGE_SIZE) break
    after = last.seq
  }
  const result = verifier.result()
  if (result.ok && (result.count !== head.seq || result.headHash !== head.hash)) {
    return {
      ok: false,
      count: result.count,
      firstBadSeq: result.count + 1,
      reason: `the chain head records ${head.seq} events but ${result.count} verified (events at the end were deleted, or the head was edited)`,
      storedHeadSeq: head.seq,
    }
  }
  return { ...result, storedHeadSeq: head.seq }
}
