import { readDelimitedFile } from './delimited-reader.js'
import type { TabularFormat } from './detect-format.js'
import { readJsonLinesFile } from './json-lines-reader.js'
import { readParquetFile } from './parquet-reader.js'
import { createTableAccumulator, type TablePart } from './table-accumulator.js'

export interface ProfileInput {
  absolutePath: string
  relativePath: string
  format: TabularFormat
}

/** Which columns a part profiles: every `count`-th column in order of first appearance, from `index`. */
export interface PartOfColumns {
  index: number
  count: number
}

/** Reads every file in order and profiles the part's columns; `onRead` hears of bytes read and rows so far. */
export async function profileTablePart(
  files: ProfileInput[],
  part: PartOfColumns,
  onRead: (bytes: number, rows: number) => void,
): Promise<TablePart> {
  const table = createTableAccumulator(part)
  const onBytes = (bytes: number) => onRead(bytes, table.rowCount)
  for (const [index, file] of files.entries()) {
    table.startFile(index)
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
  onRead(0, table.rowCount)
  return table.finish()
}
