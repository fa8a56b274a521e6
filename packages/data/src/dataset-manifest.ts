import type { Dirent } from 'node:fs'
import { lstat, readdir, realpath, stat } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { type DatasetFile, InvalidInputError, MAX_DATASET_FILES } from '@provena/contract'
import { compareUtf8 } from './dataset-manifest-order.js'
import { FileReadError, hashFilesInWorkers } from './hash-worker-pool.js'

export interface HashProgress {
  hashedBytes: number
  totalBytes: number
  hashedFiles: number
  totalFiles: number
}

export interface BuildManifestOptions {
  onProgress?: (progress: HashProgress) => void
  /** Worker threads hashing at once (default: the number of cores, at most 4). */
  concurrency?: number
}

interface ListedFile {
  relativePath: string
  absolutePath: string
  sizeBytes: number
}

const MAX_CONCURRENCY = 64
/** The contract's DatasetFilePath limit. */
const MAX_PATH_LENGTH = 4096
/** How many `stat` calls the walk keeps in flight. */
const STAT_BATCH = 64

/**
 * A file: one entry named by its base name. A directory: every regular file below it, paths
 * relative, '/'-separated, sorted by byte order. Symbolic links are followed only to regular files
 * inside the directory; a link out of it, to a directory, or to nothing is an error, as is any
 * other special file (see docs/datasets-digest-and-drift.md).
 */
export async function buildManifest(
  inputPath: string,
  options: BuildManifestOptions = {},
): Promise<{ files: DatasetFile[]; totalBytes: number; isDirectory: boolean }> {
  const concurrency = options.concurrency ?? Math.min(availableParallelism(), 4)
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new InvalidInputError(`concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, not ${concurrency}`)
  }
  const rootStat = await stat(inputPath).catch((error: unknown) => {
    throw describeFsError(error, `'${inputPath}'`)
  })
  let listed: ListedFile[]
  if (rootStat.isFile()) {
    const absolutePath = path.resolve(inputPath)
    listed = [{ relativePath: path.basename(absolutePath), absolutePath, sizeBytes: rootStat.size }]
  } else if (rootStat.isDirectory()) {
    listed = await listDirectory(inputPath)
    if (listed.length === 0) throw new InvalidInputError(`directory '${inputPath}' has no files`)
  } else {
    throw new InvalidInputError(`'${inputPath}' is neither a regular file nor a directory`)
  }
  const files = await hashListedFiles(listed, concurrency, options.onProgress)
  const totalBytes = files.reduce((sum, file) => sum + file.sizeBytes, 0)
  return { files, totalBytes, isDirectory: rootStat.isDirectory() }
}

async function hashListedFiles(
  listed: ListedFile[],
  concurrency: number,
  onProgress: ((progress: HashProgress) => void) | undefined,
): Promise<DatasetFile[]> {
  const progress: HashProgress = {
    hashedBytes: 0,
    totalBytes: listed.reduce((sum, file) => sum + file.sizeBytes, 0),
    hashedFiles: 0,
    totalFiles: listed.length,
  }
  const report = () => onProgress?.({ ...progress })
  report()
  const hashed = await hashFilesInWorkers(listed, {
    concurrency,
    onBytes: (bytes) => {
      progress.hashedBytes += bytes
      report()
    },
    onFile: () => {
      progress.hashedFiles += 1
      report()
    },
  }).catch((error: unknown) => {
    if (error instanceof FileReadError) {
      throw describeFsError(error, `'${listed[error.index]?.relativePath}'`)
    }
    throw error
  })
  return listed.map((file, i) => {
    const result = hashed[i] as (typeof hashed)[number]
    if (result.sizeBytes !== file.sizeBytes) {
      throw new InvalidInputError(
        `'${file.relativePath}' changed while it was being hashed (${file.sizeBytes} bytes, then ${result.sizeBytes})`,
      )
    }
    return { path: file.relativePath, sizeBytes: file.sizeBytes, sha256: result.sha256 }
  })
}

/** Every regular file below `inputPath` (followed through links that stay inside it), sorted. */
async function listDirectory(inputPath: string): Promise<ListedFile[]> {
  const rootReal = await realpath(inputPath)
  const pending: Omit<ListedFile, 'sizeBytes'>[] = []
  const directories = [{ absolute: rootReal, relative: '' }]
  for (let directory = directories.pop(); directory; directory = directories.pop()) {
    const entries = await readdir(directory.absolute, { withFileTypes: true }).catch((error: unknown) => {
      throw describeFsError(error, `directory '${directory.relative || inputPath}'`)
    })
    for (const entry of entries) {
      const relativePath = directory.relative ? `${directory.relative}/${entry.name}` : entry.name
      const absolutePath = path.join(directory.absolute, entry.name)
      await checkName(entry.name, absolutePath, relativePath)
      if (relativePath.length > MAX_PATH_LENGTH) {
        throw new InvalidInputError(`'${relativePath.slice(0, 100)}…' is longer than ${MAX_PATH_LENGTH} characters`)
      }
      if (entry.isDirectory()) {
        directories.push({ absolute: absolutePath, relative: relativePath })
      } else if (entry.isFile()) {
        pending.push({ relativePath, absolutePath })
      } else {
        pending.push({ relativePath, absolutePath: await resolveLink(entry, absolutePath, relativePath, rootReal) })
      }
      if (pending.length > MAX_DATASET_FILES) {
        throw new InvalidInputError(
          `'${inputPath}' has more than ${MAX_DATASET_FILES} files, the most a dataset may have`,
        )
      }
    }
  }
  const listed = await withSizes(pending)
  return listed.sort((a, b) => compareUtf8(a.relativePath, b.relativePath))
}

async function withSizes(pending: readonly Omit<ListedFile, 'sizeBytes'>[]): Promise<ListedFile[]> {
  const listed: ListedFile[] = []
  for (let start = 0; start < pending.length; start += STAT_BATCH) {
    const batch = pending.slice(start, start + STAT_BATCH)
    const sizes = await Promise.all(
      batch.map((file) =>
        stat(file.absolutePath).then(
          (fileStat) => fileStat.size,
          (error: unknown) => {
            throw describeFsError(error, `'${file.relativePath}'`)
          },
        ),
      ),
    )
    batch.forEach((file, i) => {
      listed.push({ ...file, sizeBytes: sizes[i] ?? 0 })
    })
  }
  return listed
}

/**
 * The file a symbolic link stands for. Links are followed to regular files inside the root only:
 * a dataset is what lies below its directory, and a link out of it (or into a loop of
 * directories) would make the manifest depend on things the user did not name.
 */
async function resolveLink(entry: Dirent, absolutePath: string, relativePath: string, rootReal: string) {
  if (!entry.isSymbolicLink()) {
    throw new InvalidInputError(`'${relativePath}' is not a regular file (a socket, FIFO or device); remove it`)
  }
  const target = await realpath(absolutePath).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new InvalidInputError(`'${relativePath}' is a symbolic link to nothing`)
    throw describeFsError(error, `'${relativePath}'`)
  })
  const isInside = rootReal === path.sep || target.startsWith(rootReal + path.sep)
  if (!isInside) {
    throw new InvalidInputError(
      `'${relativePath}' is a symbolic link out of the dataset directory; copy the file in or register its directory`,
    )
  }
  const targetStat = await stat(target)
  if (targetStat.isDirectory()) {
    throw new InvalidInputError(`'${relativePath}' is a symbolic link to a directory; only links to files are followed`)
  }
  if (!targetStat.isFile()) throw new InvalidInputError(`'${relativePath}' links to something that is not a file`)
  return target
}

/** Node decodes a name that is not UTF-8 with U+FFFD; such a name cannot be opened again or stored. */
async function checkName(name: string, absolutePath: string, relativePath: string): Promise<void> {
  if (!name.includes('\uFFFD')) return
  const isThere = await lstat(absolutePath).then(
    () => true,
    () => false,
  )
  if (!isThere) throw new InvalidInputError(`a file name is not valid UTF-8: '${relativePath}'`)
}

/** A user-facing error for a failed file-system call on `what` (a quoted path). */
function describeFsError(error: unknown, what: string): Error {
  const code = (error as { code?: unknown } | undefined)?.code
  switch (code) {
    case 'ENOENT':
      return new InvalidInputError(`${what} does not exist`, { cause: error })
    case 'EACCES':
    case 'EPERM':
      return new InvalidInputError(`${what} cannot be read: permission denied`, { cause: error })
    case 'ELOOP':
      return new InvalidInputError(`${what} is a loop of symbolic links`, { cause: error })
    case 'ENOTDIR':
      return new InvalidInputError(`${what} does not exist (a part of its path is not a directory)`, { cause: error })
    case 'EISDIR':
      return new InvalidInputError(`${what} is a directory, not a file`, { cause: error })
    default:
      return error instanceof Error ? error : new Error(String(error))
  }
}
