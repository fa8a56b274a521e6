import { createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { DatasetFilePath } from '@provena/contract'
import { CliError } from '../cli-error.js'
import type { CliIo } from '../cli-io.js'
import { resolveS3ReadSettings } from '../config.js'
import { createProgress, type Progress } from '../output/progress.js'

/** Data somewhere else, copied to a temporary folder for hashing and profiling. */
interface LocalCopy {
  /** The file or folder to read. */
  localPath: string
  /** Where the data lives, as recorded: credentials, query and fragment removed. */
  source: string
}

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i

/**
 * Runs `use` on a local copy of remote data (downloaded to a temporary folder removed afterwards). Reading remote data twice over (hash, then profile) would cost two
 * downloads; a copy costs disk space instead, which is said in docs/datasets.md.
 */
export async function withLocalCopy<T>(location: string, io: CliIo, use: (copy: LocalCopy) => Promise<T>): Promise<T> {
  const scheme = SCHEME.exec(location)?.[1]?.toLowerCase()
  if (scheme !== 's3' && scheme !== 'https' && scheme !== 'http') {
    throw new CliError(`${location}: data can be read from local paths, s3://, https:// and http:// only`)
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'provena-data-'))
  const progress = createProgress(io.stderr, 'Downloading', { unit: 'bytes' })
  try {
    const copy =
      scheme === 's3' ? await copyFromS3(location, dir, io, progress) : await copyFromUrl(location, dir, progress)
    progress.done()
    return await use(copy)
  } finally {
    progress.done()
    await rm(dir, { recursive: true, force: true })
  }
}

/** A URL without what may be a secret: user and password, a signed query, the fragment. */
function publicUrl(url: URL): string {
  const clean = new URL(url.href)
  clean.username = ''
  clean.password = ''
  clean.search = ''
  clean.hash = ''
  return clean.href
}

function counting(progress: Progress, totalBytes: number | undefined, done: { bytes: number }) {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done.bytes += chunk.length
      progress.update(done.bytes, totalBytes)
      callback(null, chunk)
    },
  })
}

async function copyFromUrl(location: string, dir: string, progress: Progress): Promise<LocalCopy> {
  const url = new URL(location)
  const response = await fetch(url, { redirect: 'follow' }).catch((cause: unknown) => {
    throw new CliError(`cannot fetch ${publicUrl(url)}: ${cause instanceof Error ? cause.message : String(cause)}`)
  })
  if (!response.ok || !response.body) {
    throw new CliError(`cannot fetch ${publicUrl(url)}: the server answered ${response.status} ${response.statusText}`)
  }
  const lastSegment = decodeURIComponent(url.pathname.split('/').at(-1) ?? '')
  // The name decides the format (by extension), so keep it, but never let it leave the folder.
  const name = lastSegment.replace(/[^\w.-]/g, '_').replace(/^\.+/, '') || 'download'
  const localPath = path.join(dir, name)
  const total = Number(response.headers.get('content-length')) || undefined
  await pipeline(
    Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
    counting(progress, total, { bytes: 0 }),
    createWriteStream(localPath),
  )
  return { localPath, source: publicUrl(url) }
}

async function copyFromS3(location: string, dir: string, io: CliIo, progress: Progress): Promise<LocalCopy> {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(location)
  if (!match?.[1]) throw new CliError(`${location}: expected s3://bucket[/key or prefix]`)
  const bucket = match[1]
  const key = match[2] ?? ''
  const settings = resolveS3ReadSettings(io.env)
  const client = new S3Client({
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
  })
  try {
    const source = `s3://${bucket}/${key}`
    const single = key !== '' && !key.endsWith('/') ? await headObject(client, bucket, key) : undefined
    if (single !== undefined) {
      const localPath = path.join(dir, key.split('/').at(-1) as string)
      await download(client, bucket, key, localPath, progress, { bytes: 0 }, single)
      return { localPath, source }
    }
    const prefix = key === '' || key.endsWith('/') ? key : `${key}/`
    const objects = await listObjects(client, bucket, prefix)
    if (objects.length === 0) throw new CliError(`${location}: no such object, and no objects below it`)
    const total = objects.reduce((sum, o) => sum + o.sizeBytes, 0)
    const done = { bytes: 0 }
    const root = path.join(dir, 'data')
    for (const object of objects) {
      const relative = object.key.slice(prefix.length)
      if (!DatasetFilePath.safeParse(relative).success) {
        throw new CliError(`s3://${bucket}/${object.key}: the key cannot be a file path (empty, "." or ".." segments)`)
      }
      const localPath = path.join(root, ...relative.split('/'))
      await mkdir(path.dirname(localPath), { recursive: true })
      await download(client, bucket, object.key, localPath, progress, done, total)
    }
    return { localPath: root, source: `s3://${bucket}/${prefix}` }
  } finally {
    client.destroy()
  }
}

async function headObject(client: S3Client, bucket: string, key: string): Promise<number | undefined> {
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
    return head.ContentLength ?? 0
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
    if (status === 404) return undefined
    throw new CliError(`cannot read s3://${bucket}/${key}: ${(error as Error).message}`, { cause: error })
  }
}

async function listObjects(client: S3Client, bucket: string, prefix: string) {
  const objects: { key: string; sizeBytes: number }[] = []
  let token: string | undefined
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    )
    for (const object of page.Contents ?? []) {
      // Zero-byte keys ending in "/" are how consoles draw folders; they are not files.
      if (object.Key && !object.Key.endsWith('/')) objects.push({ key: object.Key, sizeBytes: object.Size ?? 0 })
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined
  } while (token)
  return objects
}

async function download(
  client: S3Client,
  bucket: string,
  key: string,
  localPath: string,
  progress: Progress,
  done: { bytes: number },
  totalBytes: number,
): Promise<void> {
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
  if (!(object.Body instanceof Readable)) throw new CliError(`s3://${bucket}/${key}: the object has no body`)
  await pipeline(object.Body, counting(progress, totalBytes, done), createWriteStream(localPath))
}
