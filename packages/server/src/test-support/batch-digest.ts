import { createHash } from 'node:crypto'

/**
 * The sha256 of a metric batch in the digest format of docs/audit-format.md
 * (`provena-metric-batch-v1`), written out by hand from the document: what a client that kept its
 * batch computes to check an audit event. `points` in the order the document gives.
 */
export function documentedBatchSha256(
  points: { key: string; value: number; step: number; timestampMs: number }[],
  paramsAndTagsJson: string,
): string {
  const parts = [Buffer.from('provena-metric-batch-v1\n'), Buffer.alloc(4)]
  parts[1]?.writeUInt32BE(points.length)
  for (const p of points) {
    const key = Buffer.from(p.key, 'utf8')
    const head = Buffer.alloc(4)
    head.writeUInt32BE(key.length)
    const numbers = Buffer.alloc(24)
    numbers.writeDoubleBE(p.value, 0)
    numbers.writeDoubleBE(p.step, 8)
    numbers.writeDoubleBE(p.timestampMs, 16)
    parts.push(head, key, numbers)
  }
  parts.push(Buffer.from(paramsAndTagsJson, 'utf8'))
  return createHash('sha256').update(Buffer.concat(parts)).digest('hex')
}
