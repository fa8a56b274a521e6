import type { AuditEventRow } from '../../storage/db/audit-repository.js'
import type { Store } from '../../storage/store.js'
import { rowToEvent } from './audit-log.js'
import { canonicalJson } from './canonical-json.js'
import { type ChainVerification, createChainVerifier } from './event-hash.js'

const PAGE_SIZE = 10_000

/** Why a stored row cannot even be read as an event: JSON that does not parse or is not canonical. */
function rowProblem(row: AuditEventRow): string | undefined {
  for (const [field, text] of [
    ['before', row.beforeJson],
    ['after', row.afterJson],
    ['details', row.detailsJson],
  ] as const) {
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      return `${field} is not valid JSON (edited?)`
    }
    // The hash covers the parsed value; the stored text must also be its canonical form, so that
    // an edit that keeps the value (added white space, reordered keys) is caught too.
    let canonical: string
    try {
      canonical = canonicalJson(value)
    } catch {
      return `${field} holds a value that has no canonical form (edited?)`
    }
    if (canonical !== text) return `${field} is not in canonical form (edited?)`
  }
  return undefined
}

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
      const problem = rowProblem(row)
      if (problem !== undefined) {
        const before = verifier.result()
        if (!before.ok) return { ...before, storedHeadSeq: head.seq }
        return {
          ok: false,
          count: before.count,
          firstBadSeq: before.count + 1,
          reason: `event ${before.count + 1}: ${problem}`,
          storedHeadSeq: head.seq,
        }
      }
      if (!verifier.push(rowToEvent(row))) return { ...verifier.result(), storedHeadSeq: head.seq }
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
