import { createHash } from 'node:crypto'
import { type DatasetFile, InvalidInputError, Sha256 } from '@provena/contract'
import { compareUtf8 } from './dataset-manifest-order.js'

// RFC 6962 §2.1 prefixes leaves and interior nodes differently, so a leaf can never pass for a node.
const LEAF_PREFIX = 0x00
const NODE_PREFIX = 0x01
const SEPARATOR = Buffer.from([0x00])

/**
 * The dataset digest `provena-dataset-v1`, hex: an RFC 6962 Merkle root over the files sorted by
 * the UTF-8 bytes of their paths, each leaf being
 * `SHA-256(0x00 || utf8(path) || 0x00 || decimal(sizeBytes) || 0x00 || sha256 as 32 raw bytes)`
 * and each interior node `SHA-256(0x01 || left || right)` (docs/datasets-digest-and-drift.md).
 * The order of `files` does not matter; a path given twice or an empty list is refused.
 */
export function datasetDigest(files: readonly DatasetFile[]): string {
  if (files.length === 0) throw new InvalidInputError('a dataset has at least one file')
  const sorted = [...files].sort((a, b) => compareUtf8(a.path, b.path))
  let level = sorted.map((file, i) => {
    if (i > 0 && sorted[i - 1]?.path === file.path) throw new InvalidInputError(`'${file.path}' is listed twice`)
    return leafHash(file)
  })
  // Pairing neighbours level by level and carrying an odd last node up unchanged builds exactly
  // the tree of RFC 6962's split at the largest power of two smaller than the number of leaves.
  while (level.length > 1) {
    const next: Buffer[] = []
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i] as Buffer
      const right = level[i + 1]
      next.push(right ? createHash('sha256').update(Buffer.of(NODE_PREFIX)).update(left).update(right).digest() : left)
    }
    level = next
  }
  return (level[0] as Buffer).toString('hex')
}

function leafHash(file: DatasetFile): Buffer {
  if (!Sha256.safeParse(file.sha256).success) {
    throw new InvalidInputError(`'${file.path}' has no valid sha256 (64 lowercase hex characters): '${file.sha256}'`)
  }
  if (!Number.isSafeInteger(file.sizeBytes) || file.sizeBytes < 0) {
    throw new InvalidInputError(`'${file.path}' has an invalid size: ${file.sizeBytes}`)
  }
  if (file.path.includes('\0')) throw new InvalidInputError('a dataset path contains a NUL character')
  return createHash('sha256')
    .update(Buffer.of(LEAF_PREFIX))
    .update(file.path, 'utf8')
    .update(SEPARATOR)
    .update(String(file.sizeBytes), 'latin1')
    .update(SEPARATOR)
    .update(Buffer.from(file.sha256, 'hex'))
    .digest()
}
