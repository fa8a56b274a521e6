const BLOCK = 512
const MAX_USTAR_SIZE = 8 ** 11 - 1

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`
}

/** A PAX record `<length> <key>=<value>\n`, whose length counts itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`
  const bodyBytes = Buffer.byteLength(body)
  let length = bodyBytes + String(bodyBytes).length
  if (String(length).length !== String(bodyBytes).length) length = bodyBytes + String(length).length
  return `${length}${body}`
}

function ustarHeader(name: string, sizeBytes: number, mtimeSeconds: number, type: '0' | 'x'): Buffer {
  const header = Buffer.alloc(BLOCK)
  header.write(name, 0, 100, 'utf8')
  header.write(octal(0o644, 8), 100, 'ascii')
  header.write(octal(0, 8), 108, 'ascii')
  header.write(octal(0, 8), 116, 'ascii')
  header.write(octal(Math.min(sizeBytes, MAX_USTAR_SIZE), 12), 124, 'ascii')
  header.write(octal(mtimeSeconds, 12), 136, 'ascii')
  header.write('        ', 148, 'ascii')
  header.write(type, 156, 'ascii')
  header.write('ustar\u000000', 257, 'ascii')
  let checksum = 0
  for (const byte of header) checksum += byte
  header.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii')
  return header
}

/** Zero bytes that fill a member's data up to the next 512-byte block. */
export function tarPadding(sizeBytes: number): Buffer {
  return Buffer.alloc((BLOCK - (sizeBytes % BLOCK)) % BLOCK)
}

/** Two zero blocks end an archive. */
export const TAR_END = Buffer.alloc(2 * BLOCK)

/**
 * The header blocks of a regular file in a POSIX (pax) tar archive. Names that are not short
 * ASCII and sizes past ustar's 8 GiB go in a pax extended header, which tar, bsdtar and Python's
 * tarfile all read.
 */
export function tarFileHeader(name: string, sizeBytes: number, mtimeMs: number): Buffer {
  const mtimeSeconds = Math.floor(mtimeMs / 1000)
  const isPlain = /^[\x20-\x7e]{1,99}$/.test(name) && sizeBytes <= MAX_USTAR_SIZE
  const file = ustarHeader(isPlain ? name : name.replace(/[^\x20-\x7e]/g, '_').slice(-99), sizeBytes, mtimeSeconds, '0')
  if (isPlain) return file
  const pax = Buffer.from(
    paxRecord('path', name) + (sizeBytes > MAX_USTAR_SIZE ? paxRecord('size', String(sizeBytes)) : ''),
  )
  const paxHeader = ustarHeader('PaxHeader', pax.length, mtimeSeconds, 'x')
  return Buffer.concat([paxHeader, pax, tarPadding(pax.length), file])
}
