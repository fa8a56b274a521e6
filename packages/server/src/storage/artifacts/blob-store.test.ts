import { createHash, randomBytes } from 'node:crypto'
import { readdir, readFile, stat, truncate, utimes } from 'node:fs/promises'
import path from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { InvalidInputError } from '@provena/contract'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startS3TestServer } from '../../test-support/s3-test-server.js'
import { createTestBlobStore } from '../../test-support/test-app.js'
import type { BlobStore, ListedBlob } from './blob-store.js'
import { localBlobFile } from './local-blob-store.js'

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex')

async function all(blobs: AsyncIterable<ListedBlob>): Promise<string[]> {
  const found: string[] = []
  for await (const blob of blobs) found.push(blob.sha256)
  return found.sort()
}

let s3: Awaited<ReturnType<typeof startS3TestServer>>
beforeAll(async () => {
  s3 = await startS3TestServer()
})
afterAll(async () => s3.close())

const backends: [name: string, open: () => BlobStore][] = [
  ['a local directory', () => createTestBlobStore()],
  ['S3 (s3rver)', () => s3.blobStore()],
]

/** The contract every blob store keeps, run against each backend. */
describe.each(backends)('blob store on %s', (_name, open) => {
  it('stores a stream under its sha256 and reads it back, whole or a range', async () => {
    const store = open()
    const bytes = randomBytes(100_000)

    const blob = await store.put(Readable.from([bytes.subarray(0, 50_000), bytes.subarray(50_000)]))

    expect(blob).toEqual({ sha256: sha256(bytes), sizeBytes: 100_000 })
    const whole = await store.get(blob.sha256)
    const range = await store.get(blob.sha256, { start: 10, end: 19 })
    expect(Buffer.concat(await (whole as Readable).toArray())).toEqual(bytes)
    expect(Buffer.concat(await (range as Readable).toArray())).toEqual(bytes.subarray(10, 20))
  })

  it('tells size and write time with head, and undefined for a blob it does not have', async () => {
    const store = open()
    const before = Date.now() - 2000
    const blob = await store.put(Readable.from(['hello']))

    const found = await store.head(blob.sha256)

    expect(found).toMatchObject({ sha256: sha256('hello'), sizeBytes: 5 })
    expect(found?.modifiedAtMs).toBeGreaterThan(before)
    expect(await store.head(sha256('never stored'))).toBeUndefined()
    expect(await store.get(sha256('never stored'))).toBeUndefined()
  })

  it('keeps one copy of identical bytes and lists every blob once', async () => {
    const store = open()
    await store.put(Readable.from(['same']))
    await store.put(Readable.from(['same']))
    await store.put(Readable.from(['other']))

    expect(await all(store.list())).toEqual([sha256('same'), sha256('other')].sort())
  })

  it('refuses bytes whose digest differs from the expected one and keeps nothing', async () => {
    const store = open()

    const put = store.put(Readable.from(['actual']), { expectedSha256: sha256('expected') })

    await expect(put).rejects.toThrow(InvalidInputError)
    expect(await all(store.list())).toEqual([])
    expect(await store.removeAbandonedUploads(Date.now() + 60_000)).toBe(0)
  })

  it('keeps nothing of a stream that fails midway', async () => {
    const store = open()
    const body = new PassThrough()
    const put = store.put(body)
    body.write(randomBytes(1024 * 1024))

    body.destroy(new Error('client went away'))

    await expect(put).rejects.toThrow('client went away')
    expect(await all(store.list())).toEqual([])
    expect(await store.removeAbandonedUploads(Date.now() + 60_000)).toBe(0)
  })

  it('deletes a blob, and deleting a missing one is no error', async () => {
    const store = open()
    const blob = await store.put(Readable.from(['short-lived']))

    await store.delete(blob.sha256)
    await store.delete(blob.sha256)

    expect(await store.head(blob.sha256)).toBeUndefined()
  })

  it('streams a blob larger than one multipart part', async () => {
    const store = open()
    const bytes = randomBytes(40 * 1024 * 1024 + 5)

    const blob = await store.put(Readable.from([bytes]))

    expect(blob).toEqual({ sha256: sha256(bytes), sizeBytes: bytes.length })
    const hash = createHash('sha256')
    for await (const chunk of (await store.get(blob.sha256)) as Readable) hash.update(chunk as Buffer)
    expect(hash.digest('hex')).toBe(sha256(bytes))
  })

  it('refuses a key that is not a digest before it can name a location', async () => {
    const store = open()
    await expect(store.get('../../etc/passwd')).rejects.toThrow(TypeError)
  })
})

describe('blob store on a local directory, bytes it already holds', () => {
  const fileOf = (store: BlobStore, digest: string) => localBlobFile(store.location, digest)
  const uploadsOf = (store: BlobStore) => readdir(path.join(store.location, 'uploads'))

  it('keeps the stored file, renews its write time for gc, and removes the new copy', async () => {
    const store = createTestBlobStore()
    const bytes = randomBytes(300_000)
    const { sha256: digest } = await store.put(Readable.from([bytes]))
    const file = fileOf(store, digest)
    const hourAgo = new Date(Date.now() - 3_600_000)
    await utimes(file, hourAgo, hourAgo)
    const { ino } = await stat(file)

    const again = await store.put(Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]))

    expect(again).toEqual({ sha256: digest, sizeBytes: 300_000 })
    expect((await stat(file)).ino).toBe(ino)
    expect((await store.head(digest))?.modifiedAtMs).toBeGreaterThan(Date.now() - 60_000)
    expect(await readFile(file)).toEqual(bytes)
    await vi.waitFor(async () => expect(await uploadsOf(store)).toEqual([]), { timeout: 10_000 })
  })

  it('replaces a stored file of the wrong size (cut short) with the complete bytes', async () => {
    const store = createTestBlobStore()
    const bytes = randomBytes(50_000)
    const { sha256: digest } = await store.put(Readable.from([bytes]))
    await truncate(fileOf(store, digest), 1000)

    await store.put(Readable.from([bytes]))

    expect(await readFile(fileOf(store, digest))).toEqual(bytes)
    expect(await uploadsOf(store)).toEqual([])
  })
})
