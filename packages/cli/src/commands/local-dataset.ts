import { createReadStream } from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import type { DatasetFile, DatasetFormat, DatasetProfile, DatasetSchema } from '@provena/contract'
import { buildManifest, datasetDigest, detectFormat, profileFiles, type TabularFormat } from '@provena/data'
import type { CliIo } from '../cli-io.js'
import { createProgress } from '../output/progress.js'

/** What `data add` and `data drift --current <path>` learn from local data before sending anything. */
export interface ScannedDataset {
  /** The local file or folder that was read. */
  root: string
  /** Where the data lives, as recorded (a remote location without credentials). */
  source: string
  files: DatasetFile[]
  totalBytes: number
  isDirectory: boolean
  digest: string
  format: DatasetFormat
  schema: DatasetSchema | null
  profile: DatasetProfile | null
}

function formatOf(formats: Set<TabularFormat>): DatasetFormat {
  if (formats.size === 0) return 'other'
  if (formats.size === 1) return [...formats][0] as DatasetFormat
  return 'mixed'
}

const REMOTE = /^[a-z][a-z0-9+.-]*:\/\//i

/**
 * Hashes every file of the data at `location` (a local path, s3://, https://), then profiles the
 * tabular ones in one pass, with progress bars on a terminal, and hands the result to `use` while
 * the files are still readable (remote data is a temporary local copy).
 */
export async function withScannedDataset<T>(
  location: string,
  io: CliIo,
  options: { shouldProfile: boolean },
  use: (scanned: ScannedDataset) => Promise<T>,
): Promise<T> {
  if (!REMOTE.test(location)) {
    const localPath = path.resolve(location)
    return use(await scan(localPath, localPath, io, options.shouldProfile))
  }
  // The S3 client is large; only commands that read remote data load it.
  const { withLocalCopy } = await import('./remote-data.js')
  return withLocalCopy(location, io, async ({ localPath, source }) =>
    use(await scan(localPath, source, io, options.shouldProfile)),
  )
}

async function scan(root: string, source: string, io: CliIo, shouldProfile: boolean): Promise<ScannedDataset> {
  const hashing = createProgress(io.stderr, 'Hashing', { unit: 'bytes' })
  const manifest = await buildManifest(root, {
    onProgress: (p) => hashing.update(p.hashedBytes, p.totalBytes),
  }).finally(() => hashing.done())
  const base = manifest.isDirectory ? root : path.dirname(root)
  const tabular = manifest.files.flatMap((file) => {
    const format = detectFormat(file.path)
    return format ? [{ absolutePath: path.join(base, ...file.path.split('/')), relativePath: file.path, format }] : []
  })
  let schema: DatasetSchema | null = null
  let profile: DatasetProfile | null = null
  if (shouldProfile && tabular.length > 0) {
    const profiling = createProgress(io.stderr, 'Profiling', { unit: 'bytes' })
    const profiled = await profileFiles(tabular, {
      onProgress: (p) => profiling.update(p.bytesRead, p.totalBytes),
    }).finally(() => profiling.done())
    schema = profiled.schema
    profile = profiled.profile
  }
  return {
    root,
    source,
    files: manifest.files,
    totalBytes: manifest.totalBytes,
    isDirectory: manifest.isDirectory,
    digest: datasetDigest(manifest.files),
    format: formatOf(new Set(tabular.map((t) => t.format))),
    schema,
    profile,
  }
}

/** The local file behind a manifest entry of a scanned dataset. */
export function localFileOf(scanned: ScannedDataset, file: DatasetFile): string {
  const base = scanned.isDirectory ? scanned.root : path.dirname(scanned.root)
  return path.join(base, ...file.path.split('/'))
}

/** A file's bytes as a web stream, made anew for each upload attempt. */
export function fileBody(absolutePath: string): () => ReadableStream<Uint8Array> {
  return () => Readable.toWeb(createReadStream(absolutePath)) as ReadableStream<Uint8Array>
}
