import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { type DatasetFile, InvalidInputError } from '@provena/contract'
import { describe, expect, it } from 'vitest'
import { datasetDigest } from './dataset-digest.js'
import { compareUtf8 } from './dataset-manifest-order.js'

const sha = (text: string) => createHash('sha256').update(text).digest('hex')

/** The definition written out as plainly as possible: recursive RFC 6962 split, Buffer byte order. */
function referenceDigest(files: readonly DatasetFile[]): string {
  const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)))
  const leaves = sorted.map((f) =>
    createHash('sha256')
      .update(
        Buffer.concat([
          Buffer.from([0]),
          Buffer.from(f.path, 'utf8'),
          Buffer.from([0]),
          Buffer.from(String(f.sizeBytes)),
          Buffer.from([0]),
          Buffer.from(f.sha256, 'hex'),
        ]),
      )
      .digest(),
  )
  const root = (nodes: Buffer[]): Buffer => {
    if (nodes.length === 1) return nodes[0]!
    let k = 1
    while (k * 2 < nodes.length) k *= 2
    return createHash('sha256')
      .update(Buffer.concat([Buffer.from([1]), root(nodes.slice(0, k)), root(nodes.slice(k))]))
      .digest()
  }
  return root(leaves).toString('hex')
}

// The five files of the Python example in docs/datasets-digest-and-drift.md, and the roots
// python3 printed for their first 1..5.
const FILES: DatasetFile[] = [
  { path: 'train/b.csv', sizeBytes: 12, sha256: sha('b') },
  { path: 'train/a.csv', sizeBytes: 0, sha256: sha('') },
  { path: 'README.md', sizeBytes: 3, sha256: sha('rd') },
  { path: 'é.txt', sizeBytes: 7, sha256: sha('e') },
  { path: 'z/\u{1F600}.bin', sizeBytes: 1, sha256: sha('x') },
]
const PYTHON_ROOTS = [
  '903b92adb439b54d1f03f8d653d954a8c3b8953de6fd2e90ded180a22b2175a0',
  'e6ca87d89c93b1a8fd688a3248980b761aa0ded910fd9e7a118ab5720a031fbf',
  '1bbfc20c2a93e7123d6d703ac8dc279451efed2bc1c113d87c1e2a0925268b7e',
  '763c10c61b39564eb042a35eb307c0ad6459f2a58e2060936150d6f3b6423210',
  'fdf4838fb8c31c90f550ef522e53c69dabbc064e26de8a68a2a88ca5d0c1803a',
]

describe('datasetDigest', () => {
  it('matches the roots the documented Python snippet computes', () => {
    expect(PYTHON_ROOTS.map((_, n) => datasetDigest(FILES.slice(0, n + 1)))).toEqual(PYTHON_ROOTS)
    expect(datasetDigest([{ path: 'data.csv', sizeBytes: 5, sha256: sha('hello') }])).toBe(
      '9346de71a72d97de3720c693401078dc9315ba39487e6b7e74dfd87e713ed39c',
    )
  })

  it('gives the values the Python snippet in the docs prints', () => {
    const doc = readFileSync(new URL('../../../docs/datasets-digest-and-drift.md', import.meta.url), 'utf8')
    const printed = [...doc.matchAll(/^# ([0-9a-f]{64})$/gm)].map((match) => match[1])

    expect(printed).toEqual([
      datasetDigest([{ path: 'data.csv', sizeBytes: 5, sha256: sha('hello') }]),
      datasetDigest(FILES),
    ])
  })

  it('matches a plain recursive implementation for every size from 1 to 70 files, and at 1000 (Python)', () => {
    const files = Array.from({ length: 1000 }, (_, i) => ({
      path: `d${i % 7}/f${String(i).padStart(4, '0')}.csv`,
      sizeBytes: i * 37,
      sha256: sha(String(i)),
    }))
    for (let n = 1; n <= 70; n++) expect(datasetDigest(files.slice(0, n))).toBe(referenceDigest(files.slice(0, n)))
    expect(datasetDigest(files)).toBe('a70a3df6247c84b0121dbdfba6b197aee3eb27a8d7dcbb6b5a717c57a4d5a4b8')
  })

  it('sorts paths by UTF-8 bytes, not UTF-16: U+FF21 comes before U+1F600 (Python)', () => {
    const files = [
      { path: '\u{1F600}', sizeBytes: 1, sha256: sha('a') },
      { path: '\uFF21', sizeBytes: 2, sha256: sha('b') },
    ]
    expect(datasetDigest(files)).toBe('5687866b3dfaea1cefaa655d92941084690f133aac087e3afea12395ad9cdc20')
    expect(['\u{1F600}', '\uFF21'].sort(compareUtf8)).toEqual(['\uFF21', '\u{1F600}'])
  })

  it('does not depend on the order of the files given', () => {
    const root = datasetDigest(FILES)
    expect(datasetDigest([...FILES].reverse())).toBe(root)
    expect(datasetDigest([FILES[3]!, FILES[0]!, FILES[4]!, FILES[2]!, FILES[1]!])).toBe(root)
  })

  it('changes when any path, size or sha256 changes', () => {
    const root = datasetDigest(FILES)
    const variants = FILES.flatMap((file, i) => {
      const others = FILES.filter((_, j) => j !== i)
      return [
        [...others, { ...file, path: `${file.path}x` }],
        [...others, { ...file, sizeBytes: file.sizeBytes + 1 }],
        [...others, { ...file, sha256: sha(`${file.sha256}!`) }],
      ]
    })
    const roots = variants.map(datasetDigest)
    expect(roots).not.toContain(root)
    expect(new Set(roots).size).toBe(variants.length)
    expect(datasetDigest(FILES.slice(0, 4))).not.toBe(root)
  })

  it('refuses a path listed twice, an empty list and a malformed sha256', () => {
    expect(() => datasetDigest([...FILES, FILES[0]!])).toThrow(new InvalidInputError("'train/b.csv' is listed twice"))
    expect(() => datasetDigest([])).toThrow(InvalidInputError)
    expect(() => datasetDigest([{ path: 'a', sizeBytes: 1, sha256: 'ABC' }])).toThrow(/no valid sha256/)
  })
})
