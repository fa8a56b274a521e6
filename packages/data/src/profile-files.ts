import { stat } from 'node:fs/promises'
import type { DatasetProfile, DatasetSchema } from '@provena/contract'
import { InvalidInputError } from '@provena/contract'
import { readDelimitedFile } from './delimited-reader.js'
import type { TabularFormat } from './detect-format.js'
import { readJsonLinesFile } from './json-lines-reader.js'
import { readParquetFile } from './parquet-reader.js'
import { createTableAccumulator } from './table-accumulator.js'

export interface ProfileInput {
  absolutePath: string
  relativePath: string
  format: TabularFormat
}

export interface ProfileProgress {
  bytesRead: number
  totalBytes: number
  rows: number
}

/** Progress is reported at most this often (and once at the end), so a callback that draws stays cheap. */
const PROGRESS_INTERVAL_MS = 100

/**
 * One streaming pass over the files (in the given order) as ONE table; bounded memory.
 * Columns are matched by name across files; a column missing from a file is null in its rows.
 */
export async function profileFiles(
  files: ProfileInput[],
  options: { onProgress?: (progress: ProfileProgress) => void } = {},
): Promise<{ schema: DatasetSchema; profile: DatasetProfile }> {
  const sizes = await Promise.all(files.map((file) => sizeOf(file)))
  const progress = { bytesRead: 0, totalBytes: sizes.reduce((sum, size) => sum + size, 0), rows: 0 }
  const table = createTableAccumulator()
  let reportedAtMs = 0
  const report = (isFinal: boolean) => {
    const nowMs = Date.now()
    if (options.onProgress === undefined || (!isFinal && nowMs - reportedAtMs < PROGRESS_INTERVAL_MS)) return
    reportedAtMs = nowMs
    options.onProgress({ ...progress, rows: table.rowCount })
  }
  const onBytes = (bytes: number) => {
    progress.bytesRead += bytes
    report(false)
  }
  for (const file of files) {
    switch (file.format) {
      case 'csv':
        await readDelimitedFile(file, ',', table, onBytes)
        break
      case 'tsv':
        await readDelimitedFile(file, '\t', table, onBytes)
        break
      case 'jsonl':
        await readJsonLinesFile(file, table, onBytes)
        break
      case 'parquet':
        await readParquetFile(file, table, onBytes)
        break
    }
  }
  report(true)
  return table.finish(files.length)
}

async function sizeOf(file: ProfileInput): Promise<number> {
  try {
    const stats = await stat(file.absolutePath)
    if (!stats.isFile()) throw new InvalidInputError(`${file.relativePath}: not a regular file`)
    return stats.size
  } catch (error) {
    if (error instanceof InvalidInputError) throw error
    throw new InvalidInputError(`${file.relativePath}: cannot be read (${(error as Error).message})`, { cause: error })
  }
}
