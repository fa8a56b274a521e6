import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createChunkedTree } from './merkle-chunks.js'
import {
  consistencyProof,
  consistencyProofOf,
  inclusionProof,
  inclusionProofOf,
  leafHash,
  rootFromLeafHashes,
} from './merkle-tree.js'

const leaves = Array.from({ length: 70 }, (_, i) => leafHash(createHash('sha256').update(`event ${i}`).digest()))

/** A reader over `leaves` that counts the leaves it was asked for. */
function countingReader() {
  const reader = async (from: number, to: number) => {
    reader.leavesRead += to - from
    return leaves.slice(from, to)
  }
  reader.leavesRead = 0
  return reader
}

describe('createChunkedTree', () => {
  // Chunks of 4 leaves, so trees of 0 to 70 leaves cover every way chunks and splits can meet.
  it('gives the roots and proofs of the plain tree for every size, leaf and old size', async () => {
    const tree = createChunkedTree(countingReader(), 4)
    for (let size = 0; size <= leaves.length; size++) {
      const all = leaves.slice(0, size)
      const root = (await tree.nodes(size)).root(0, size)
      expect(root.equals(rootFromLeafHashes(all)), `root of ${size}`).toBe(true)
      for (let index = 0; index < size; index++) {
        const nodes = await tree.nodes(size, [index])
        expect(nodes.leaf(index).equals(all[index] as Buffer)).toBe(true)
        expect(inclusionProofOf(nodes, index), `inclusion of ${index} in ${size}`).toEqual(inclusionProof(all, index))
      }
      for (let oldSize = 1; oldSize <= size; oldSize++) {
        const nodes = await tree.nodes(size, [oldSize - 1, oldSize])
        expect(nodes.root(0, oldSize).equals(rootFromLeafHashes(all.slice(0, oldSize)))).toBe(true)
        expect(consistencyProofOf(nodes, oldSize), `consistency ${oldSize} -> ${size}`).toEqual(
          consistencyProof(all, oldSize),
        )
      }
    }
  })

  it('reads each complete chunk once, then only the partial chunk at the end', async () => {
    const reader = countingReader()
    const tree = createChunkedTree(reader, 4)

    await tree.nodes(66)
    expect(reader.leavesRead).toBe(66)
    await tree.nodes(67)
    // The 16 complete chunks are remembered; the last 3 leaves of chunk 16 are read again.
    expect(reader.leavesRead).toBe(66 + 3)
    await tree.nodes(70)
    // Chunk 16 completes (4 leaves), chunk 17 is partial (2 leaves).
    expect(reader.leavesRead).toBe(66 + 3 + 4 + 2)
  })

  it('serves concurrent requests from roots that are complete', async () => {
    const tree = createChunkedTree(countingReader(), 4)

    const roots = await Promise.all([64, 70, 33, 70].map(async (size) => (await tree.nodes(size)).root(0, size)))

    expect(roots.map((r) => r.toString('hex'))).toEqual(
      [64, 70, 33, 70].map((size) => rootFromLeafHashes(leaves.slice(0, size)).toString('hex')),
    )
  })
})
