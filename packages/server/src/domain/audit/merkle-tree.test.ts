import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  consistencyProof,
  EMPTY_TREE_ROOT,
  eventLeafHash,
  hashFromHex,
  inclusionProof,
  leafHash,
  nodeHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from './merkle-tree.js'

const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256')
  for (const part of parts) h.update(part)
  return h.digest()
}
const hex = (hexText: string) => Buffer.from(hexText, 'hex')

/** RFC 6962 MTH written exactly as the RFC states it, recursively, as the reference for the fast version. */
function referenceRoot(leafHashes: Buffer[]): Buffer {
  if (leafHashes.length === 0) return sha256()
  if (leafHashes.length === 1) return leafHashes[0]!
  let k = 1
  while (k * 2 < leafHashes.length) k *= 2
  return sha256(Buffer.from([1]), referenceRoot(leafHashes.slice(0, k)), referenceRoot(leafHashes.slice(k)))
}

function leaves(count: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)))
}

function flipped(bytes: Uint8Array): Buffer {
  const copy = Buffer.from(bytes)
  copy[0] = (copy[0] as number) ^ 1
  return copy
}

// The test vectors of RFC 6962's reference implementation (certificate-transparency, also used by
// Go's transparency-dev/merkle): eight leaves, and the root of the first n of them.
const RFC6962_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
]
const RFC6962_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
]
const rfcLeafHashes = RFC6962_LEAVES.map((data) => leafHash(hex(data)))

describe('leafHash and nodeHash', () => {
  it('prefix the data with 0x00 for a leaf and 0x01 for a node', () => {
    const a = Buffer.alloc(32, 0xaa)
    const b = Buffer.alloc(32, 0xbb)

    expect([leafHash(a), nodeHash(a, b)]).toEqual([sha256(Buffer.from([0]), a), sha256(Buffer.from([1]), a, b)])
  })

  it('give the empty tree the SHA-256 of the empty string', () => {
    expect(EMPTY_TREE_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  })
})

describe('hashFromHex and eventLeafHash', () => {
  it('turn an event hash into the leaf hash of its 32 raw bytes', () => {
    const eventHash = 'ab'.repeat(32)

    expect(eventLeafHash(eventHash)).toEqual(sha256(Buffer.from([0]), Buffer.alloc(32, 0xab)))
  })

  it('reject anything but 64 lowercase hex digits', () => {
    for (const bad of ['AB'.repeat(32), 'ab'.repeat(31), `${'ab'.repeat(31)}zz`, `${'ab'.repeat(32)}00`, '']) {
      expect(() => hashFromHex(bad)).toThrow(TypeError)
    }
  })
})

describe('rootFromLeafHashes', () => {
  it('matches the RFC 6962 reference test vectors', () => {
    const roots = RFC6962_ROOTS.map((_, i) => rootFromLeafHashes(rfcLeafHashes.slice(0, i + 1)).toString('hex'))

    expect(roots).toEqual(RFC6962_ROOTS)
  })

  it('matches the recursive definition for every size from 0 to 20, and for 1000', () => {
    for (const size of [...Array.from({ length: 21 }, (_, i) => i), 1000]) {
      const tree = leaves(size)
      expect(rootFromLeafHashes(tree)).toEqual(referenceRoot(tree))
    }
  })

  it('leaves its input untouched and returns a copy for a single leaf', () => {
    const tree = leaves(5)
    const before = tree.map((leaf) => Buffer.from(leaf))

    const single = rootFromLeafHashes(tree.slice(0, 1))
    rootFromLeafHashes(tree)
    single.fill(0)

    expect(tree).toEqual(before)
  })

  it('rejects leaf hashes that are not 32 bytes', () => {
    expect(() => rootFromLeafHashes([...leaves(2), Buffer.alloc(31)])).toThrow(RangeError)
  })
})

describe('inclusionProof and verifyInclusion', () => {
  it('match the RFC 6962 reference test vectors', () => {
    const proof = inclusionProof(rfcLeafHashes, 5)
    const root8 = hex(RFC6962_ROOTS[7]!)

    expect(proof.map((node) => node.toString('hex'))).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ])
    expect(verifyInclusion(rfcLeafHashes[5]!, 5, 8, proof, root8)).toBe(true)
    expect(verifyInclusion(rfcLeafHashes[5]!, 4, 8, proof, root8)).toBe(false)
    expect(inclusionProof(rfcLeafHashes.slice(0, 3), 2)).toEqual([hex(RFC6962_ROOTS[1]!)])
    expect(inclusionProof(rfcLeafHashes, 0).map((node) => node.toString('hex'))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ])
  })

  it('verifies every leaf of every tree of 1 to 33 leaves', () => {
    for (let size = 1; size <= 33; size++) {
      const tree = leaves(size)
      const root = rootFromLeafHashes(tree)
      for (let index = 0; index < size; index++) {
        expect(verifyInclusion(tree[index]!, index, size, inclusionProof(tree, index), root)).toBe(true)
      }
    }
  })

  // A wrong tree size is not always detectable: where the path has the same shape in both trees
  // the proof verifies, which is why the size is bound to the root by the signed checkpoint.
  it('rejects a wrong leaf, index or root for every leaf of trees of 1 to 33 leaves', () => {
    for (let size = 1; size <= 33; size++) {
      const tree = leaves(size)
      const root = rootFromLeafHashes(tree)
      for (let index = 0; index < size; index++) {
        const proof = inclusionProof(tree, index)
        const other = (index + 1) % size
        if (size > 1) expect(verifyInclusion(tree[other]!, index, size, proof, root)).toBe(false)
        if (size > 1) expect(verifyInclusion(tree[index]!, other, size, proof, root)).toBe(false)
        expect(verifyInclusion(flipped(tree[index]!), index, size, proof, root)).toBe(false)
        expect(verifyInclusion(tree[index]!, index, size, proof, flipped(root))).toBe(false)
      }
    }
  })

  it('rejects a proof with a node changed, dropped or added', () => {
    const tree = leaves(13)
    const root = rootFromLeafHashes(tree)
    const proof = inclusionProof(tree, 6)

    expect(verifyInclusion(tree[6]!, 6, 13, [flipped(proof[0]!), ...proof.slice(1)], root)).toBe(false)
    expect(verifyInclusion(tree[6]!, 6, 13, proof.slice(1), root)).toBe(false)
    expect(verifyInclusion(tree[6]!, 6, 13, [...proof, root], root)).toBe(false)
  })

  it('rejects indexes and sizes that cannot describe a leaf', () => {
    const tree = leaves(4)
    const root = rootFromLeafHashes(tree)
    const proof = inclusionProof(tree, 3)

    for (const [index, size] of [
      [-1, 4],
      [4, 4],
      [1.5, 4],
      [3, 0],
      [3, Number.NaN],
    ]) {
      expect(verifyInclusion(tree[3]!, index!, size!, proof, root)).toBe(false)
    }
    expect(() => inclusionProof(tree, 4)).toThrow(RangeError)
    expect(() => inclusionProof([], 0)).toThrow(RangeError)
  })
})

describe('consistencyProof and verifyConsistency', () => {
  it('match the RFC 6962 reference test vectors', () => {
    const root = (n: number) => hex(RFC6962_ROOTS[n - 1]!)

    expect(consistencyProof(rfcLeafHashes, 6).map((node) => node.toString('hex'))).toEqual([
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ])
    expect(consistencyProof(rfcLeafHashes.slice(0, 5), 2).map((node) => node.toString('hex'))).toEqual([
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ])
    expect(consistencyProof(rfcLeafHashes, 1)).toEqual(inclusionProof(rfcLeafHashes, 0))
    expect(verifyConsistency(6, 8, root(6), root(8), consistencyProof(rfcLeafHashes, 6))).toBe(true)
    expect(verifyConsistency(6, 8, root(5), root(8), consistencyProof(rfcLeafHashes, 6))).toBe(false)
  })

  it('verifies every pair of sizes 1 <= m <= n <= 33', () => {
    const tree = leaves(33)
    for (let n = 1; n <= 33; n++) {
      const newRoot = rootFromLeafHashes(tree.slice(0, n))
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(tree.slice(0, n), m)
        expect(verifyConsistency(m, n, rootFromLeafHashes(tree.slice(0, m)), newRoot, proof)).toBe(true)
      }
    }
  })

  it('rejects an altered old or new root for every pair of sizes 1 <= m <= n <= 33', () => {
    const tree = leaves(33)
    for (let n = 1; n <= 33; n++) {
      const newRoot = rootFromLeafHashes(tree.slice(0, n))
      for (let m = 1; m <= n; m++) {
        const oldRoot = rootFromLeafHashes(tree.slice(0, m))
        const proof = consistencyProof(tree.slice(0, n), m)
        expect(verifyConsistency(m, n, flipped(oldRoot), newRoot, proof)).toBe(false)
        expect(verifyConsistency(m, n, oldRoot, flipped(newRoot), proof)).toBe(false)
      }
    }
  })

  it('rejects a new tree in which a leaf before the old size was changed, for every pair 1 <= m < n <= 33', () => {
    const tree = leaves(33)
    for (let n = 2; n <= 33; n++) {
      for (let m = 1; m < n; m++) {
        const oldRoot = rootFromLeafHashes(tree.slice(0, m))
        for (const changed of new Set([0, Math.floor(m / 2), m - 1])) {
          const rewritten = tree.slice(0, n)
          rewritten[changed] = flipped(rewritten[changed]!)
          const proof = consistencyProof(rewritten, m)
          expect(verifyConsistency(m, n, oldRoot, rootFromLeafHashes(rewritten), proof)).toBe(false)
        }
      }
    }
  })

  it('rejects a proof with a node changed, dropped or added, or for another old size', () => {
    const tree = leaves(21)
    const oldRoot = rootFromLeafHashes(tree.slice(0, 11))
    const newRoot = rootFromLeafHashes(tree)
    const proof = consistencyProof(tree, 11)

    expect(verifyConsistency(11, 21, oldRoot, newRoot, [...proof.slice(0, -1), flipped(proof.at(-1)!)])).toBe(false)
    expect(verifyConsistency(11, 21, oldRoot, newRoot, proof.slice(0, -1))).toBe(false)
    expect(verifyConsistency(11, 21, oldRoot, newRoot, [...proof, newRoot])).toBe(false)
    expect(verifyConsistency(10, 21, oldRoot, newRoot, proof)).toBe(false)
    expect(verifyConsistency(21, 11, newRoot, oldRoot, proof)).toBe(false)
  })

  it('proves equal sizes with an empty proof, valid only when the roots are equal', () => {
    const tree = leaves(7)
    const root = rootFromLeafHashes(tree)

    expect(consistencyProof(tree, 7)).toEqual([])
    expect(verifyConsistency(7, 7, root, root, [])).toBe(true)
    expect(verifyConsistency(7, 7, root, flipped(root), [])).toBe(false)
    expect(verifyConsistency(7, 7, root, root, [root])).toBe(false)
  })

  it('accepts every tree as an extension of the empty tree, with an empty proof', () => {
    const root = rootFromLeafHashes(leaves(5))

    expect(verifyConsistency(0, 5, EMPTY_TREE_ROOT, root, [])).toBe(true)
    expect(verifyConsistency(0, 5, root, root, [])).toBe(false)
    expect(verifyConsistency(0, 5, EMPTY_TREE_ROOT, root, [root])).toBe(false)
  })

  it('refuses to build a proof from an old size of 0 or beyond the tree', () => {
    const tree = leaves(4)

    expect(() => consistencyProof(tree, 0)).toThrow(RangeError)
    expect(() => consistencyProof(tree, 5)).toThrow(RangeError)
  })
})
