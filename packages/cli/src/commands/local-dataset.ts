import { createReadStream } from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import type { DatasetFile, DatasetFormat, DatasetProfile, DatasetSchema } from '@provena/contract'
import { buildManifest, datasetDigest, detectFormat, profileFiles, type TabularFormat } from '@provena/data'
import { CliError } from '../cli-error.js'
import type { CliIo } from '../cli-io.js'
import { createProgress } from '../output/progress.js'

/** What `data add` and `data drift --current <path>` learn from local data before sending anything. */
export interface ScannedDataset {
  source: string
  files: DatasetFile[]
  totalBytes: number
  isDirectory: boolean
  digest: string
  format: DatasetFormat
  schema: DatasetSchema | null
  profile: DatasetProfile | null
}

const REMOTE = /^[a-z][a-z0-9+.-]*:\/\//i

/** Local paths only: the CLI reads the data itself. */
export function localPathOf(location: string): string {
  if (REMOTE.test(location)) {
    throw new CliError(
      `${location}: only local files and folders can be read yet; copy the data here first (e.g. aws s3 cp --recursive)`,
    )
  }
  return path.resolve(location)
}

function formatOf(formats: Set<TabularFormat>): DatasetFormat {
  if (formats.size === 0) return 'other'
  if (formats.size === 1) return [...formats][0] as DatasetFormat
  return 'mixed'
}

/** Hashes every file, then profiles the tabular ones in one pass; progress bars on a terminal. */
export async function scanLocalDataset(location: string, io: CliIo, { shouldProfile = true } = {}) {
  const root = localPathOf(location)
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
  const scanned: ScannedDataset = {
    source: root,
    files: manifest.files,
    totalBytes: manifest.totalBytes,
    isDirectory: manifest.isDirectory,
    digest: datasetDigest(manifest.files),
    format: formatOf(new Set(tabular.map((t) => t.format))),
    schema,
    profile,
  }
  return scanned
}

/** The local file behind a manifest entry of a scanned dataset. */
export function localFileOf(scanned: ScannedDataset, file: DatasetFile): string {
  const base = scanned.isDirectory ? scanned.source : path.dirname(scanned.source)
  return path.join(base, ...file.path.split('/'))
}

/** A file's bytes as a web stream, made anew for each upload attempt. */
export function fileBody(absolutePath: string): () => ReadableStream<Uint8Array> {
  return () => Readable.toWeb(createReadStream(absolutePath)) as ReadableStream<Uint8Array>
}
