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

    expect(terminal.written).toEqual(['\rVerified events: 12,345 / 100,000 (12%)', '\r\u001b[K'])
  })

  it('writes nothing when no terminal is watching', () => {
    const pipe = sink(false)
    const progress = createProgress(pipe, 'Verified events')

    progress.update(1)
    progress.done()

    expect(pipe.written).toEqual([])
  })
})
