import type { Readable } from 'node:stream'

/** A blob as stored: addressed by the sha256 of its bytes. */
export interface StoredBlob {
  sha256: string
  sizeBytes: number
}

/** A blob found in the store, with the time it was last written (garbage collection spares recent ones). */
export interface ListedBlob extends StoredBlob {
  modifiedAtMs: number
}

/** Bytes `start` to `end`, both included, as in an HTTP Range header. */
export interface ByteRange {
  start: number
  end: number
}

/**
 * Content-addressed blob storage: the store names every blob by its sha256, so no caller ever
 * chooses where bytes live. Implemented on a local directory and on S3-compatible storage.
 */
export interface BlobStore {
  /** Where blobs live, for people: a directory or an `s3://bucket/prefix` URL. */
  readonly location: string
  /**
   * Streams `body` to a temporary name while hashing it and moves it into place under its digest
   * only when it is complete (and matches `expectedSha256`, if given). On any failure nothing is
   * kept; a digest mismatch throws InvalidInputError. Storing bytes that exist already leaves the
   * blob with those bytes and counts as a new write for garbage collection's grace period (the
   * local store keeps its file of the same size and renews its time; S3 writes the object again).
   */
  put(body: Readable, options?: { expectedSha256?: string | undefined }): Promise<StoredBlob>
  /** The blob's bytes (a range of them), or undefined when no such blob is stored. */
  get(sha256: string, range?: ByteRange): Promise<Readable | undefined>
  head(sha256: string): Promise<ListedBlob | undefined>
  /** Removes the blob; removing one that is not there is not an error. */
  delete(sha256: string): Promise<void>
  /** Every stored blob, in no particular order. */
  list(): AsyncIterable<ListedBlob>
  /** Removes what interrupted uploads left at temporary names before `olderThanMs`; returns how many. */
  removeAbandonedUploads(olderThanMs: number): Promise<number>
  /** Releases connections; the store is not used afterwards. */
  close(): void
}

const SHA256 = /^[0-9a-f]{64}$/

/** Digests name files and keys, so anything else is refused before it reaches a path. */
export function checkDigest(sha256: string): string {
  if (!SHA256.test(sha256)) throw new TypeError(`not a sha256 digest: ${JSON.stringify(sha256)}`)
  return sha256
}
