import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { writeSyncedFile } from './synced-file-writer.js'

const dir = mkdtempSync(path.join(tmpdir(), 'provena-synced-file-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let files = 0
const fileName = () => path.join(dir, `file-${++files}`)

describe('writeSyncedFile', () => {
  it('writes every piece in order and answers the digest and size of what it wrote', async () => {
    // 40 MiB in socket-sized pieces: more than the writer lets wait, so the body is paused and resumed.
    const pieces = Array.from({ length: 640 }, () => randomBytes(64 * 1024))
    const name = fileName()
    const file = await open(name, 'wx')

    const blob = await writeSyncedFile(Readable.from(pieces), file).finally(() => file.close())

    const written = readFileSync(name)
    expect(written.equals(Buffer.concat(pieces))).toBe(true)
    expect(blob).toEqual({ sha256: createHash('sha256').update(written).digest('hex'), sizeBytes: written.length })
  })

  it('fails with the body when the body fails midway', async () => {
    const body = new PassThrough()
    const file = await open(fileName(), 'wx')
    const written = writeSyncedFile(body, file).finally(() => file.close())
    body.write(randomBytes(1024 * 1024))

    body.destroy(new Error('client went away'))

    await expect(written).rejects.toThrow('client went away')
  })

  it('fails for a body that was closed before its end, even before the writer saw it', async () => {
    const body = new PassThrough()
    body.write('some bytes')
    body.destroy()
    const file = await open(fileName(), 'wx')

    await expect(writeSyncedFile(body, file).finally(() => file.close())).rejects.toThrow(/premature close/i)
  })

  it('fails and stops reading the body when the file refuses a write', async () => {
    const name = fileName()
    await (await open(name, 'wx')).close()
    const readOnly = await open(name, 'r')
    const body = new PassThrough()

    const written = writeSyncedFile(body, readOnly).finally(() => readOnly.close())
    body.write(randomBytes(64 * 1024))

    await expect(written).rejects.toMatchObject({ code: 'EBADF' })
    expect(body.destroyed).toBe(true)
  })
})
