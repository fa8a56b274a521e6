import { InvalidInputError } from '@provena/contract'
import type { BlobStore } from '../storage/artifacts/blob-store.js'

interface ListedFile {
  path: string
  sizeBytes: number
  sha256: string
}

/** Same path twice, or a path that is also a directory of another (`a` and `a/b`), cannot be a file tree. */
export function checkFileTree(files: readonly ListedFile[]): void {
  const paths = new Set<string>()
  for (const file of files) {
    if (paths.has(file.path)) throw new InvalidInputError(`file '${file.path}' is listed twice`)
    paths.add(file.path)
  }
  for (const path of paths) {
    const segments = path.split('/')
    for (let i = 1; i < segments.length; i++) {
      const parent = segments.slice(0, i).join('/')
      if (paths.has(parent)) throw new InvalidInputError(`'${parent}' is listed as a file and as a directory`)
    }
  }
}

// Stores answer a HEAD in a round trip (S3: a request each); a few at a time keep 100,000 files quick.
const HEADS_AT_ONCE = 16

/** Files listed by digest must have been uploaded, with the size listed, before what keeps them. */
export async function checkBlobsStored(blobs: BlobStore, files: readonly ListedFile[]): Promise<void> {
  // One file per digest: the first listed, whose path the error names.
  const byDigest = new Map<string, ListedFile>()
  for (const file of files) if (!byDigest.has(file.sha256)) byDigest.set(file.sha256, file)
  const pending = [...byDigest.values()]
  let next = 0
  const check = async (): Promise<void> => {
    for (let file = pending[next++]; file !== undefined; file = pending[next++]) {
      const blob = await blobs.head(file.sha256)
      // The first problem ends the check: the other workers take no more files.
      if (blob === undefined || blob.sizeBytes !== file.sizeBytes) next = pending.length
      if (blob === undefined) {
        throw new InvalidInputError(
          `the bytes of '${file.path}' (sha256 ${file.sha256}) were not uploaded before registering`,
        )
      }
      if (blob.sizeBytes !== file.sizeBytes) {
        throw new InvalidInputError(
          `'${file.path}' is listed with ${file.sizeBytes} bytes, but its uploaded bytes are ${blob.sizeBytes}`,
        )
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(HEADS_AT_ONCE, pending.length) }, check))
}
