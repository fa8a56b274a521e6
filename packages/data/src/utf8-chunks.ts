import { isUtf8 } from 'node:buffer'
import { open } from 'node:fs/promises'
import { InvalidInputError } from '@provena/contract'

const CHUNK_BYTES = 1024 * 1024

/**
 * Reads a text file as UTF-8 in chunks of about 1 MiB, each cut at a character boundary; a
 * byte-order mark at the start is dropped. Bytes that are not UTF-8 fail with the byte offset
 * of the first bad sequence, so a user can find it (`cmp`, a hex editor).
 */
export async function* readUtf8Chunks(
  absolutePath: string,
  relativePath: string,
  onBytes: (bytes: number) => void,
): AsyncGenerator<string> {
  const handle = await open(absolutePath, 'r')
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES + 4)
    let carried = 0
    let fileOffset = 0
    let isFirst = true
    for (;;) {
      const { bytesRead } = await handle.read(buffer, carried, CHUNK_BYTES, null)
      onBytes(bytesRead)
      const end = carried + bytesRead
      const isLast = bytesRead === 0
      const cut = isLast ? end : completeLength(buffer, end)
      if (!isUtf8(buffer.subarray(0, cut))) {
        throw notUtf8(relativePath, fileOffset + firstInvalidOffset(buffer.subarray(0, cut)))
      }
      const skip = isFirst && cut >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0
      if (cut > skip) yield buffer.toString('utf8', skip, cut)
      if (cut > 0) isFirst = false
      if (isLast) return
      buffer.copy(buffer, 0, cut, end)
      fileOffset += cut
      carried = end - cut
    }
  } finally {
    await handle.close()
  }
}

function notUtf8(relativePath: string, offset: number): InvalidInputError {
  return new InvalidInputError(`${relativePath}: not UTF-8 text: invalid byte sequence at byte offset ${offset}`)
}

/** Where the bytes stop being whole characters: a multi-byte character cut by the chunk end is left out. */
function completeLength(bytes: Uint8Array, end: number): number {
  for (let i = end - 1; i >= Math.max(0, end - 3); i--) {
    const byte = bytes[i]
    if (byte < 0x80) return end
    if (byte >= 0xc0) {
      const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2
      return end - i < length ? i : end
    }
  }
  return end
}

/** The offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629). */
export function firstInvalidOffset(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const b0 = bytes[i]
    if (b0 < 0x80) {
      i++
      continue
    }
    let length: number
    let min2 = 0x80
    let max2 = 0xbf
    if (b0 >= 0xc2 && b0 <= 0xdf) length = 2
    else if (b0 >= 0xe0 && b0 <= 0xef) {
      length = 3
      if (b0 === 0xe0) min2 = 0xa0
      if (b0 === 0xed) max2 = 0x9f
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      length = 4
      if (b0 === 0xf0) min2 = 0x90
      if (b0 === 0xf4) max2 = 0x8f
    } else return i
    if (i + length > bytes.length) return i
    if (bytes[i + 1] < min2 || bytes[i + 1] > max2) return i
    for (let k = 2; k < length; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i
    i += length
  }
  return bytes.length
}
