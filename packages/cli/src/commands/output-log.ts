import { createReadStream } from 'node:fs'
import { type FileHandle, mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import { createStreamRedaction, type SecretRedactor } from '@provena/sdk/capture'

/** The artifact the output of `provena run`'s child is stored as. */
export const OUTPUT_LOG_ARTIFACT = 'provena/output.log'

/** Where a log upload goes: the bytes are read anew from the file for each attempt. */
export type LogUpload = (body: () => ReadableStream<Uint8Array>) => Promise<unknown>

/**
 * The child's stdout and stderr, interleaved as they arrive, in a temporary file with the
 * environment's secret values redacted; `upload` stores what has been written so far.
 */
export async function createOutputLog(redactor: SecretRedactor) {
  const dir = await mkdtemp(path.join(tmpdir(), 'provena-run-'))
  const file = path.join(dir, 'output.log')
  const handle: FileHandle = await open(file, 'w')
  let sizeBytes = 0
  let uploadedBytes = -1
  let writing: Promise<void> = Promise.resolve()
  const streams = new Map<string, { decoder: StringDecoder; redaction: ReturnType<typeof createStreamRedaction> }>()

  let isEnded = false

  function append(text: string): void {
    // Output that comes after the end (from a background process the command left) is not logged.
    if (text === '' || isEnded) return
    const bytes = Buffer.from(text, 'utf8')
    sizeBytes += bytes.length
    writing = writing.then(async () => {
      await handle.write(bytes)
    })
  }

  function streamOf(name: string) {
    let stream = streams.get(name)
    if (!stream) {
      stream = { decoder: new StringDecoder('utf8'), redaction: createStreamRedaction(redactor) }
      streams.set(name, stream)
    }
    return stream
  }

  return {
    /** Appends a chunk the child wrote on `stream` (stdout or stderr); returns it decoded for the terminal. */
    write(stream: 'stdout' | 'stderr', chunk: Buffer): string {
      const { decoder, redaction } = streamOf(stream)
      const text = decoder.write(chunk)
      append(redaction.push(text))
      return text
    },
    /** Writes what each stream still holds back (a possible start of a secret, an incomplete character). */
    end(): void {
      for (const { decoder, redaction } of streams.values()) append(redaction.push(decoder.end()) + redaction.end())
      isEnded = true
    },
    /** Uploads the log as written so far, unless nothing changed since the last upload. */
    async upload(send: LogUpload): Promise<void> {
      await writing
      const size = sizeBytes
      if (size === uploadedBytes) return
      const body = () =>
        Readable.toWeb(
          size === 0 ? Readable.from([]) : createReadStream(file, { start: 0, end: size - 1 }),
        ) as ReadableStream<Uint8Array>
      await send(body)
      uploadedBytes = size
    },
    get sizeBytes() {
      return sizeBytes
    },
    async close(): Promise<void> {
      await writing
      await handle.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
