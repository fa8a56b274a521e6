import { createHash } from 'node:crypto'
import { Transform } from 'node:stream'
import type { ByteRange } from '../../storage/artifacts/blob-store.js'

/** What a read found when the bytes did not match the manifest. */
export interface IntegrityFailure {
  expectedSha256: string
  actualSha256: string | null
  expectedSizeBytes: number
  actualSizeBytes: number
}

/** The stream error of a read whose bytes do not match their digest. */
export class IntegrityError extends Error {
  constructor(readonly failure: IntegrityFailure) {
    super(
      `stored bytes do not match their digest: expected sha256 ${failure.expectedSha256} (${failure.expectedSizeBytes} bytes), ` +
        `read ${failure.actualSha256 ?? 'more bytes than that'} (${failure.actualSizeBytes} bytes)`,
    )
  }
}

/**
 * Passes a whole blob through a hash and emits only `range` of it (all of it without one). The
 * last piece is held back until the digest is known to match, so a reader of corrupt bytes sees
 * the stream fail, never end as if it were fine. A range read costs reading the whole blob.
 */
export function verifiedRead(
  expected: { sha256: string; sizeBytes: number },
  range: ByteRange | undefined,
  onFailure: (failure: IntegrityFailure) => void,
): Transform {
  const hash = createHash('sha256')
  const start = range?.start ?? 0
  const end = range?.end ?? expected.sizeBytes - 1
  let offset = 0
  let heldBack: Buffer | null = null

  const fail = (actualSha256: string | null) => {
    const failure = {
      expectedSha256: expected.sha256,
      actualSha256,
      expectedSizeBytes: expected.sizeBytes,
      actualSizeBytes: offset,
    }
    onFailure(failure)
    return new IntegrityError(failure)
  }

  return new Transform({
    // Room for one 1 MiB piece from the store, so each piece passes without a pause.
    highWaterMark: 1024 * 1024,
    transform(chunk: Buffer, _encoding, callback) {
      const chunkStart = offset
      offset += chunk.length
      if (offset > expected.sizeBytes) return callback(fail(null))
      hash.update(chunk)
      const from = Math.max(start, chunkStart)
      const to = Math.min(end + 1, offset)
      if (heldBack) this.push(heldBack)
      heldBack = to > from ? chunk.subarray(from - chunkStart, to - chunkStart) : null
      callback()
    },
    flush(callback) {
      const actual = hash.digest('hex')
      if (actual !== expected.sha256 || offset !== expected.sizeBytes) return callback(fail(actual))
      if (heldBack) this.push(heldBack)
      callback()
    },
  })
}
