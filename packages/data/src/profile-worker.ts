// A worker thread of profileFiles: profiles its part of the columns and posts the result.
import { parentPort, workerData } from 'node:worker_threads'
import { InvalidInputError } from '@provena/contract'
import { type PartOfColumns, type ProfileInput, profileTablePart } from './profile-table-part.js'

export type WorkerMessage =
  | { kind: 'progress'; bytes: number; rows: number }
  | { kind: 'done'; part: Awaited<ReturnType<typeof profileTablePart>> }
  | { kind: 'failed'; isInvalidInput: boolean; message: string }

const { files, part } = workerData as { files: ProfileInput[]; part: PartOfColumns }
const post = (message: WorkerMessage) => parentPort?.postMessage(message)

try {
  const result = await profileTablePart(files, part, (bytes, rows) => {
    if (part.index === 0) post({ kind: 'progress', bytes, rows })
  })
  post({ kind: 'done', part: result })
} catch (error) {
  post({ kind: 'failed', isInvalidInput: error instanceof InvalidInputError, message: (error as Error).message })
}
