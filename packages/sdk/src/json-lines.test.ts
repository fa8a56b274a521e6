import { describe, expect, it } from 'vitest'
import { InternalError } from './index.js'
import { parseJsonLines } from './json-lines.js'

function streamOf(...chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk)
      controller.close()
    },
  })
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<unknown[]> {
  const values: unknown[] = []
  for await (const value of parseJsonLines(stream)) values.push(value)
  return values
}

describe('parseJsonLines', () => {
  it('joins lines and characters split across chunks, and skips blank lines', async () => {
    const bytes = new TextEncoder().encode('{"a":"é"}\n\n{"b":2}\n[3]')
    const cuts = [0, 6, 7, 12, bytes.length]

    const values = await collect(streamOf(...cuts.slice(1).map((end, i) => bytes.subarray(cuts[i], end))))

    expect(values).toEqual([{ a: 'é' }, { b: 2 }, [3]])
  })

  it('rejects a line that is not JSON with InternalError naming the line', async () => {
    const stream = streamOf(new TextEncoder().encode('{"a":1}\n<html>\n'))

    await expect(collect(stream)).rejects.toThrow(new InternalError('line 2 of the stream is not JSON: <html>'))
  })
})
