import { InternalError } from '@provena/contract'

/**
 * The values of a JSON Lines stream (one JSON value per line), read as they arrive, so an answer
 * far larger than memory passes through. Stopping the iteration early cancels the stream.
 */
export async function* parseJsonLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  const reader = stream.getReader()
  const decoder = new TextDecoder()
  let pending = ''
  let lineNumber = 0
  const parseLine = (line: string): unknown => {
    try {
      return JSON.parse(line)
    } catch (error) {
      throw new InternalError(`line ${lineNumber} of the stream is not JSON: ${line.slice(0, 100)}`, { cause: error })
    }
  }
  try {
    for (;;) {
      const { done, value } = await reader.read()
      pending += done ? decoder.decode() : decoder.decode(value, { stream: true })
      const lines = pending.split('\n')
      pending = done ? '' : (lines.pop() ?? '')
      for (const line of lines) {
        lineNumber++
        if (line.trim() !== '') yield parseLine(line)
      }
      if (done) return
    }
  } finally {
    // Runs also when the consumer stops early: the server stops sending the rest.
    await reader.cancel().catch(() => {})
  }
}
