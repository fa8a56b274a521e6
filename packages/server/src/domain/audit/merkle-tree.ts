import { Buffer } from 'node:buffer'
import { hash } from 'node:crypto'

// RFC 6962 §2.1 prefixes leaves and interior nodes differently, so a leaf can never pass for a node.
const LEAF_PREFIX = Buffer.from([0x00])
const NODE_PREFIX = Buffer.from([0x01])
const HASH_BYTES = 32
const HEX_HASH = /^[0-9a-f]{64}$/

/** The root of the empty tree: SHA-256 of the empty string (RFC 6962 §2.1). */
export const EMPTY_TREE_ROOT: Buffer = hash('sha256', Buffer.alloc(0), 'buffer')

/** SHA-256(0x00 || data): the hash of one leaf. */
export function leafHash(data: Uint8Array): Buffer {
  return hash('sha256', Buffer.concat([LEAF_PREFIX, data]), 'buffer')
}

/** SHA-256(0x01 || left || right): the hash of an interior node. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return hash('sha256', Buffer.concat([NODE_PREFIX, left, right]), 'buffer')
}

/** The 32 bytes of a lowercase hex SHA-256, such as an audit event's hash; throws a TypeError for anything else. */
export function hashFromHex(hex: string): Buffer {
  // Buffer.from(hex, 'hex') stops silently at the first bad character, which would hide a corrupt hash.
  if (!HEX_HASH.test(hex)) throw new TypeError(`not a lowercase hex SHA-256: '${hex}'`)
  return Buffer.from(hex, 'hex')
}

/** The Merkle leaf hash of an audit event: its leaf data is the 32 raw bytes of the event's hash. */
export function eventLeafHash(eventHash: string): Buffer {
  return leafHash(hashFromHex(eventHash))
}

/**
 * The RFC 6962 Merkle tree hash (MTH) of the leaves whose leaf hashes are given, in O(n) time.
 * Given the roots of consecutive perfect subtrees of one size (the last one may be smaller)
 * instead, it gives the MTH of all their leaves: pairing level by level builds the same tree.
 */
export function rootFromLeafHashes(leafHashes: readonly Uint8Array[]): Buffer {
  return subtreeRoot(leafHashes, 0, leafHashes.length)
}

/**
 * A tree of `size` leaves as the proofs need it: MTH(D[start:end]) of its nodes (and of its
 * prefixes), from the leaf hashes themselves or from subtree roots known already.
 */
export interface MerkleNodes {
  size: number
  root(start: number, end: number): Buffer
}

/** MerkleNodes over every leaf hash of the tree, in memory. */
function nodesOfLeaves(leafHashes: readonly Uint8Array[]): MerkleNodes {
  return { size: leafHashes.length, root: (start, end) => subtreeRoot(leafHashes, start, end) }
}

/** MTH(D[start:end]) of `leafHashes[from:to]` taken as leaves start..end (bottom-up, as subtreeRoot). */
export function rootOfLeafRange(leafHashes: readonly Uint8Array[], from: number, to: number): Buffer {
  return subtreeRoot(leafHashes, from, to)
}

/**
 * MTH(D[start:end]), bottom-up: pairing neighbours level by level and carrying an odd last node up
 * unchanged builds exactly the tree that RFC 6962's split at the largest power of two describes.
 */
function subtreeRoot(leafHashes: readonly Uint8Array[], start: number, end: number): Buffer {
  if (end === start) return Buffer.from(EMPTY_TREE_ROOT)
  if (end - start === 1) return Buffer.from(leafAt(leafHashes, start))
  // Nodes travel as latin1 strings (one char per byte; node:crypto calls it 'binary') through one
  // reused input buffer: a digest comes back as a string about twice as fast as a Buffer, and a
  // million leaves need a million node hashes.
  const scratch = Buffer.alloc(1 + 2 * HASH_BYTES)
  scratch[0] = NODE_PREFIX[0] as number
  const level: string[] = []
  for (let i = start; i < end; i += 2) {
    if (i + 1 === end) {
      level.push(latin1(leafAt(leafHashes, i)))
      break
    }
    scratch.set(leafAt(leafHashes, i), 1)
    scratch.set(leafAt(leafHashes, i + 1), 1 + HASH_BYTES)
    level.push(hash('sha256', scratch, 'binary'))
  }
  for (let width = level.length; width > 1; width = Math.ceil(width / 2)) {
    for (let i = 0; i + 1 < width; i += 2) {
      scratch.write(level[i] as string, 1, 'latin1')
      scratch.write(level[i + 1] as string, 1 + HASH_BYTES, 'latin1')
      level[i / 2] = hash('sha256', scratch, 'binary')
    }
    if (width % 2 === 1) level[(width - 1) / 2] = level[width - 1] as string
  }
  return Buffer.from(level[0] as string, 'latin1')
}

function leafAt(leafHashes: readonly Uint8Array[], index: number): Uint8Array {
  const leaf = leafHashes[index] as Uint8Array
  if (leaf.length !== HASH_BYTES) throw new RangeError(`leaf hash ${index} has ${leaf.length} bytes, not ${HASH_BYTES}`)
  return leaf
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
}

/** The largest power of two smaller than `n` (n >= 2): where RFC 6962 splits a tree of n leaves. */
function splitPoint(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

/**
 * The audit path of leaf `index` (RFC 6962 §2.1.1 PATH), bottom-up: the sibling hashes needed to
 * recompute the root from that leaf. Throws a RangeError for an index outside the tree.
 */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number): Buffer[] {
  return inclusionProofOf(nodesOfLeaves(leafHashes), index)
}

/** inclusionProof over any MerkleNodes of the tree. */
export function inclusionProofOf(nodes: MerkleNodes, index: number): Buffer[] {
  if (!Number.isSafeInteger(index) || index < 0 || index >= nodes.size) {
    throw new RangeError(`leaf index ${index} is outside a tree of ${nodes.size} leaves`)
  }
  const proof: Buffer[] = []
  // PATH(m, D[start:end]) recurses into the half holding m and appends the other half's root, so
  // walking down and collecting the siblings gives them top-down; the proof lists them bottom-up.
  let start = 0
  let end = nodes.size
  while (end - start > 1) {
    const k = splitPoint(end - start)
    if (index - start < k) {
      proof.push(nodes.root(start + k, end))
      end = start + k
    } else {
      proof.push(nodes.root(start, start + k))
      start += k
    }
  }
  return proof.reverse()
}

/**
 * Whether `proof` shows that the leaf with hash `leaf` is leaf number `index` of the tree of
 * `treeSize` leaves whose root is `root` (RFC 9162 §2.1.3.2). False for any malformed input.
 */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isTreeSize(treeSize) || !Number.isSafeInteger(index) || index < 0 || index >= treeSize) return false
  let fn = index
  let sn = treeSize - 1
  let r: Uint8Array = leaf
  for (const p of proof) {
    if (sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r)
      // Skip the levels where this node has no right sibling and is carried up unchanged.
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2)
        sn = Math.floor(sn / 2)
      }
    } else {
      r = nodeHash(r, p)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  return sn === 0 && sameBytes(r, root)
}

/**
 * The proof that the first `oldSize` leaves are a prefix of all of them (RFC 6962 §2.1.2
 * PROOF(m, D[n])). Empty when oldSize equals the tree size; a RangeError when it is 0 or larger.
 */
export function consistencyProof(leafHashes: readonly Uint8Array[], oldSize: number): Buffer[] {
  return consistencyProofOf(nodesOfLeaves(leafHashes), oldSize)
}

/** consistencyProof over any MerkleNodes of the tree. */
export function consistencyProofOf(nodes: MerkleNodes, oldSize: number): Buffer[] {
  if (!Number.isSafeInteger(oldSize) || oldSize < 1 || oldSize > nodes.size) {
    throw new RangeError(`old size ${oldSize} is not between 1 and the tree size ${nodes.size}`)
  }
  const proof: Buffer[] = []
  // SUBPROOF(m, D[start:end], b) recurses into one half and appends the other half's root, so
  // walking down collects the nodes top-down; the proof lists them bottom-up.
  let start = 0
  let end = nodes.size
  let m = oldSize
  let isWholeOldTree = true
  while (m !== end - start) {
    const k = splitPoint(end - start)
    if (m <= k) {
      proof.push(nodes.root(start + k, end))
      end = start + k
    } else {
      proof.push(nodes.root(start, start + k))
      start += k
      m -= k
      isWholeOldTree = false
    }
  }
  // When the old tree is itself a subtree of the new one, the verifier already knows its root.
  if (!isWholeOldTree) proof.push(nodes.root(start, end))
  return proof.reverse()
}

/**
 * Whether `proof` shows that the tree of `oldSize` leaves with root `oldRoot` is a prefix of the
 * tree of `newSize` leaves with root `newRoot` (RFC 9162 §2.1.4.2). False for any malformed input.
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!isTreeSize(oldSize) || !isTreeSize(newSize) || oldSize > newSize) return false
  if (oldSize === newSize) return proof.length === 0 && sameBytes(oldRoot, newRoot)
  // Every tree extends the empty one; RFC 9162 leaves this case out, Go's transparency-dev accepts it.
  if (oldSize === 0) return proof.length === 0 && sameBytes(oldRoot, EMPTY_TREE_ROOT)
  if (proof.length === 0) return false
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : proof
  let fn = oldSize - 1
  let sn = newSize - 1
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  let fr = path[0] as Uint8Array
  let sr = fr
  for (const c of path.slice(1)) {
    if (sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr)
      sr = nodeHash(c, sr)
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2)
        sn = Math.floor(sn / 2)
      }
    } else {
      sr = nodeHash(sr, c)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  return sn === 0 && sameBytes(fr, oldRoot) && sameBytes(sr, newRoot)
}

function isTreeSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0
}

function isPowerOfTwo(n: number): boolean {
  let rest = n
  while (rest > 1 && rest % 2 === 0) rest /= 2
  return rest === 1
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0
}
