import { describe, expect, it } from 'vitest'
import { createProgress } from './progress.js'

function sink(isTTY: boolean) {
  const written: string[] = []
  return { written, isTTY, write: (text: string) => written.push(text) }
}

describe('createProgress', () => {
  it('draws a count out of a total on a terminal and erases it when done', () => {
    const terminal = sink(true)
    const progress = createProgress(terminal, 'Verified events')

    progress.update(12_345, 100_000)
    progress.done()

    expect(terminal.written).toEqual(['\r\u001b[KVerified events: 12,345 / 100,000 (12%)', '\r\u001b[K'])
  })

  it('draws sizes behind a bar for bytes', () => {
    const terminal = sink(true)
    const progress = createProgress(terminal, 'Uploading', { unit: 'bytes' })

    progress.update(1536 * 1024, 6 * 1024 * 1024)

    expect(terminal.written).toEqual(['\r\u001b[KUploading: [######------------------] 1.5 MiB / 6.0 MiB (25%)'])
  })

  it('writes nothing when no terminal is watching', () => {
    const pipe = sink(false)
    const progress = createProgress(pipe, 'Verified events')

    progress.update(1)
    progress.done()

    expect(pipe.written).toEqual([])
  })
})
