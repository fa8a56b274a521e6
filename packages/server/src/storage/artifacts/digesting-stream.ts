import { createHash } from 'node:crypto'
import { Transform } from 'node:stream'
import { InvalidInputError } from '@provena/contract'
import type { StoredBlob } from './blob-store.js'

/** How much a stage of an upload or download may buffer before it pauses the one before it. */
export const STREAM_BUFFER_BYTES = 1024 * 1024

/** A pass-through that hashes and counts what flows through it. */
export function digestingStream(): Transform & { result(): StoredBlob } {
  const hash = createHash('sha256')
  let sizeBytes = 0
  let sha256: string | undefined
  const stream = new Transform({
    // Large buffers: uploads arrive in socket-sized pieces, and fewer pauses keep the disk busy.
    highWaterMark: STREAM_BUFFER_BYTES,
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk)
      sizeBytes += chunk.length
      callback(null, chunk)
    },
  })
  return Object.assign(stream, {
    result(): StoredBlob {
      sha256 ??= hash.digest('hex')
      return { sha256, sizeBytes }
    },
  })
}

/** Throws unless the received bytes have the digest the client announced. */
export function checkExpectedDigest(blob: StoredBlob, expectedSha256: string | undefined): void {
  if (expectedSha256 === undefined || blob.sha256 === expectedSha256) return
  throw new InvalidInputError(
    `the uploaded bytes have sha256 ${blob.sha256}, not the ${expectedSha256} the request announced; nothing was stored`,
  )
}
