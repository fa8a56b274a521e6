import { createWriteStream } from 'node:fs'
import { finished } from 'node:stream/promises'
import type { TextSink } from '../cli-io.js'

/** Where a long output goes, written with backpressure: a slow reader slows the writer instead of filling memory. */
export interface TextOutput {
  write(text: string): Promise<void>
  /** Waits until everything is written; a file is closed. */
  close(): Promise<void>
}

function isWritable(sink: TextSink): sink is TextSink & NodeJS.WritableStream {
  return typeof (sink as Partial<NodeJS.WritableStream>).once === 'function'
}

function streamOutput(stream: NodeJS.WritableStream, close: () => Promise<void>): TextOutput {
  // A reader that goes away (`| head`) fails the next write, instead of crashing on an unhandled 'error'.
  let failure: unknown
  stream.on('error', (error) => {
    failure = error
  })
  const drained = () =>
    new Promise<void>((resolve, reject) => {
      const onDrain = () => {
        stream.off('error', onError)
        resolve()
      }
      const onError = (error: unknown) => {
        stream.off('drain', onDrain)
        reject(error)
      }
      stream.once('drain', onDrain)
      stream.once('error', onError)
    })
  return {
    async write(text) {
      if (failure !== undefined) throw failure
      if (!stream.write(text)) await drained()
    },
    close,
  }
}

/** A file when `file` is given, else standard output. */
export function openTextOutput(stdout: TextSink, file: string | undefined): TextOutput {
  if (file !== undefined) {
    const stream = createWriteStream(file)
    return streamOutput(stream, async () => {
      stream.end()
      await finished(stream)
    })
  }
  if (isWritable(stdout)) return streamOutput(stdout, async () => {})
  return {
    write: async (text) => void stdout.write(text),
    close: async () => {},
  }
}
