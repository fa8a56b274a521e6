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

/** Files listed by digest must have been uploaded, with the size listed, before what keeps them. */
export async function checkBlobsStored(blobs: BlobStore, files: readonly ListedFile[]): Promise<void> {
  const seen = new Set<string>()
  for (const file of files) {
    if (seen.has(file.sha256)) continue
    seen.add(file.sha256)
    const blob = await blobs.head(file.sha256)
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
