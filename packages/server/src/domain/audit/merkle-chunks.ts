import { EMPTY_TREE_ROOT, type MerkleNodes, rootFromLeafHashes, rootOfLeafRange } from './merkle-tree.js'

/** Leaves per chunk: a power of two, so every complete chunk is a perfect subtree of the log's tree. */
const DEFAULT_CHUNK_LEAVES = 1024
// Consecutive chunks whose leaves are read in one query when roots are missing.
const CHUNKS_PER_READ = 64

/** Reads the leaf hashes of leaves `from` (0-based, included) to `to` (excluded), in order. */
export type LeafReader = (from: number, to: number) => Promise<Buffer[]>

/**
 * The Merkle tree of the audit log without reading all of it for every checkpoint and proof.
 * The log is cut into chunks of 1,024 events; the root of each complete chunk is computed once
 * and remembered (events never change once written: a database edited behind the server's back
 * is what `provena audit verify` finds), so a tree of n events costs n/1,024 remembered roots
 * plus the leaves of the chunks a proof goes down into. Each replica remembers for itself; the
 * roots are the same everywhere, so no answer depends on which replica gives it.
 */
export function createChunkedTree(readLeaves: LeafReader, chunkLeaves = DEFAULT_CHUNK_LEAVES) {
  const chunkRoots: Buffer[] = []
  // One filling at a time, so that a request never sees roots that another one is still reading.
  let filling: Promise<void> = Promise.resolve()

  function fillChunkRoots(completeChunks: number): Promise<void> {
    const next = filling.then(() => fill(completeChunks))
    filling = next.catch(() => {})
    return next
  }

  async function fill(completeChunks: number): Promise<void> {
    for (let chunk = chunkRoots.length; chunk < completeChunks; chunk += CHUNKS_PER_READ) {
      const last = Math.min(completeChunks, chunk + CHUNKS_PER_READ)
      const leaves = await readLeaves(chunk * chunkLeaves, last * chunkLeaves)
      if (leaves.length !== (last - chunk) * chunkLeaves) throw new Error('the audit log is shorter than its head says')
      for (let c = chunk; c < last; c++) {
        chunkRoots.push(rootOfLeafRange(leaves, (c - chunk) * chunkLeaves, (c - chunk + 1) * chunkLeaves))
      }
    }
  }

  return {
    /**
     * The nodes of the tree of the first `size` leaves. Proofs go down to single leaves in the
     * chunk of the tree's last leaf and in the chunks holding `leavesNeeded`; those chunks' leaves
     * are read, every other part of the tree comes from remembered chunk roots.
     */
    async nodes(size: number, leavesNeeded: number[] = []): Promise<MerkleNodes & { leaf(index: number): Buffer }> {
      const completeChunks = Math.floor(size / chunkLeaves)
      await fillChunkRoots(completeChunks)
      const loaded = new Map<number, Buffer[]>()
      const chunksWithLeaves = new Set(leavesNeeded.map((index) => Math.floor(index / chunkLeaves)))
      if (size % chunkLeaves !== 0) chunksWithLeaves.add(completeChunks)
      for (const chunk of chunksWithLeaves) {
        const from = chunk * chunkLeaves
        loaded.set(chunk, await readLeaves(from, Math.min(size, from + chunkLeaves)))
      }

      function leavesOf(chunk: number): Buffer[] {
        const leaves = loaded.get(chunk)
        if (leaves === undefined) throw new RangeError(`the leaves of chunk ${chunk} were not read`)
        return leaves
      }

      function root(start: number, end: number): Buffer {
        if (start === end) return Buffer.from(EMPTY_TREE_ROOT)
        const chunk = Math.floor(start / chunkLeaves)
        const chunkStart = chunk * chunkLeaves
        if (end - chunkStart <= chunkLeaves) {
          if (start === chunkStart && end - start === chunkLeaves) return chunkRoots[chunk] as Buffer
          return rootOfLeafRange(leavesOf(chunk), start - chunkStart, end - chunkStart)
        }
        // A node (or prefix) over several chunks starts where a chunk does: its root is the tree
        // over the roots of its chunks, the last one possibly partial.
        if (start !== chunkStart) throw new RangeError(`[${start}, ${end}) is not a node of the tree`)
        const lastChunk = Math.ceil(end / chunkLeaves) - 1
        const roots = chunkRoots.slice(chunk, Math.min(lastChunk + 1, Math.floor(end / chunkLeaves)))
        if (end % chunkLeaves !== 0) roots.push(rootOfLeafRange(leavesOf(lastChunk), 0, end - lastChunk * chunkLeaves))
        return rootFromLeafHashes(roots)
      }

      return {
        size,
        root,
        leaf(index) {
          const chunk = Math.floor(index / chunkLeaves)
          return leavesOf(chunk)[index - chunk * chunkLeaves] as Buffer
        },
      }
    },
  }
}
