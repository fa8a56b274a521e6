import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { InvalidInputError } from '@provena/contract'
import { afterAll, describe, expect, it } from 'vitest'
import { buildManifest, type HashProgress } from './dataset-manifest.js'

const scratch = mkdtempSync(path.join(tmpdir(), 'provena-manifest-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

let dirCount = 0
/** A fresh directory holding `files` (relative path -> content). */
function makeTree(files: Record<string, string | Buffer>): string {
  const root = path.join(scratch, `tree-${dirCount++}`)
  mkdirSync(root)
  for (const [relative, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true })
    writeFileSync(path.join(root, relative), content)
  }
  return root
}

const sha = (content: string | Buffer) => createHash('sha256').update(content).digest('hex')

describe('buildManifest', () => {
  it('lists every file below a directory with its size and sha256, sorted by UTF-8 bytes', async () => {
    const big = randomBytes(3 * 1024 * 1024 + 17) // spans several read chunks, ends mid-chunk
    const root = makeTree({
      'b.csv': 'x,y\n1,2\n',
      'a/b/c.jsonl': '{"a":1}\n',
      'a.txt': '',
      'a/big.bin': big,
      '\uFF21.csv': 'full-width A',
      '\u{1F600}.csv': 'emoji',
    })

    const manifest = await buildManifest(root)

    expect(manifest).toEqual({
      files: [
        { path: 'a.txt', sizeBytes: 0, sha256: sha('') }, // '.' (0x2e) sorts before '/' (0x2f)
        { path: 'a/b/c.jsonl', sizeBytes: 8, sha256: sha('{"a":1}\n') },
        { path: 'a/big.bin', sizeBytes: big.length, sha256: sha(big) },
        { path: 'b.csv', sizeBytes: 8, sha256: sha('x,y\n1,2\n') },
        { path: '\uFF21.csv', sizeBytes: 12, sha256: sha('full-width A') },
        { path: '\u{1F600}.csv', sizeBytes: 5, sha256: sha('emoji') },
      ],
      totalBytes: big.length + 8 + 8 + 12 + 5,
      isDirectory: true,
    })
  })

  it('names a single file by its base name', async () => {
    const root = makeTree({ 'sub/train.csv': 'a\n1\n' })

    expect(await buildManifest(path.join(root, 'sub', 'train.csv'))).toEqual({
      files: [{ path: 'train.csv', sizeBytes: 4, sha256: sha('a\n1\n') }],
      totalBytes: 4,
      isDirectory: false,
    })
  })

  it('gives the same manifest with one worker as with several', async () => {
    const files = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}.bin`, randomBytes(i * 5000)]))
    const root = makeTree(files)

    const [one, three] = await Promise.all([
      buildManifest(root, { concurrency: 1 }),
      buildManifest(root, { concurrency: 3 }),
    ])

    expect(three).toEqual(one)
    expect(one.files.map((f) => f.sha256)).toEqual(
      Object.keys(files)
        .sort()
        .map((name) => sha(files[name]!)),
    )
  })

  it('reports progress up to every byte and file', async () => {
    const root = makeTree({ 'a.bin': randomBytes(2_500_000), 'b.bin': randomBytes(10) })
    const seen: HashProgress[] = []

    await buildManifest(root, { onProgress: (p) => seen.push(p) })

    expect(seen[0]).toEqual({ hashedBytes: 0, totalBytes: 2_500_010, hashedFiles: 0, totalFiles: 2 })
    expect(seen.at(-1)).toEqual({ hashedBytes: 2_500_010, totalBytes: 2_500_010, hashedFiles: 2, totalFiles: 2 })
    const bytes = seen.map((p) => p.hashedBytes)
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b))
  })

  it('follows a link to a file inside the directory, named by the link', async () => {
    const root = makeTree({ 'data/real.csv': 'a\n1\n' })
    symlinkSync('data/real.csv', path.join(root, 'latest.csv'))

    const manifest = await buildManifest(root)

    expect(manifest.files).toEqual([
      { path: 'data/real.csv', sizeBytes: 4, sha256: sha('a\n1\n') },
      { path: 'latest.csv', sizeBytes: 4, sha256: sha('a\n1\n') },
    ])
  })

  it('follows a link given as the path itself', async () => {
    const root = makeTree({ 'v1/x.csv': 'a\n' })
    const link = path.join(root, 'current')
    symlinkSync('v1', link)

    expect((await buildManifest(link)).files).toEqual([{ path: 'x.csv', sizeBytes: 2, sha256: sha('a\n') }])
  })

  it('refuses a link out of the directory, to a directory, or to nothing, naming it', async () => {
    const outside = makeTree({ 'secret.txt': 'no' })
    const out = makeTree({ 'ok.csv': 'a\n' })
    symlinkSync(path.join(outside, 'secret.txt'), path.join(out, 'escape.txt'))
    const toDir = makeTree({ 'sub/ok.csv': 'a\n' })
    symlinkSync('sub', path.join(toDir, 'loop'))
    const dangling = makeTree({ 'ok.csv': 'a\n' })
    symlinkSync('gone.csv', path.join(dangling, 'gone-link.csv'))

    await expect(buildManifest(out)).rejects.toThrow(
      new InvalidInputError(
        "'escape.txt' is a symbolic link out of the dataset directory; copy the file in or register its directory",
      ),
    )
    await expect(buildManifest(toDir)).rejects.toThrow(
      new InvalidInputError("'loop' is a symbolic link to a directory; only links to files are followed"),
    )
    await expect(buildManifest(dangling)).rejects.toThrow(
      new InvalidInputError("'gone-link.csv' is a symbolic link to nothing"),
    )
  })

  it('refuses a special file such as a FIFO, naming it', async () => {
    const root = makeTree({ 'ok.csv': 'a\n' })
    execFileSync('mkfifo', [path.join(root, 'pipe')])

    await expect(buildManifest(root)).rejects.toThrow(
      new InvalidInputError("'pipe' is not a regular file (a socket, FIFO or device); remove it"),
    )
  })

  it('refuses a file name that is not UTF-8', async () => {
    const root = makeTree({ 'ok.csv': 'a\n' })
    writeFileSync(Buffer.concat([Buffer.from(`${root}/bad-`), Buffer.from([0xff]), Buffer.from('.csv')]), 'x')

    await expect(buildManifest(root)).rejects.toThrow(
      new InvalidInputError("a file name is not valid UTF-8: 'bad-\uFFFD.csv'"),
    )
  })

  it('refuses a path that does not exist, naming it', async () => {
    const missing = path.join(scratch, 'no-such-dir', 'data.csv')

    await expect(buildManifest(missing)).rejects.toThrow(new InvalidInputError(`'${missing}' does not exist`))
  })

  it('refuses a directory without files', async () => {
    const root = makeTree({})
    mkdirSync(path.join(root, 'empty-sub'))

    await expect(buildManifest(root)).rejects.toThrow(new InvalidInputError(`directory '${root}' has no files`))
  })

  it('refuses a concurrency that is not a small whole number', async () => {
    const root = makeTree({ 'a.csv': 'a\n' })

    await expect(buildManifest(root, { concurrency: 0 })).rejects.toThrow(InvalidInputError)
    await expect(buildManifest(root, { concurrency: 1.5 })).rejects.toThrow(InvalidInputError)
  })

  it('passes on an error thrown by the progress callback', async () => {
    const root = makeTree({ 'a.csv': 'a\n' })
    let calls = 0

    await expect(
      buildManifest(root, {
        onProgress: () => {
          calls += 1
          if (calls > 1) throw new Error('cancelled by the caller')
        },
      }),
    ).rejects.toThrow('cancelled by the caller')
  })
})
