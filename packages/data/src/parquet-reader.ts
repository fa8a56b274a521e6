import type { ColumnType } from '@provena/contract'
import { InvalidInputError } from '@provena/contract'
import {
  type AsyncBuffer,
  asyncBufferFromFile,
  type FileMetaData,
  type ParquetParsers,
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
  type SchemaTree,
} from 'hyparquet'
import type { ColumnAccumulator } from './column-accumulator.js'
import type { TextFileInput } from './delimited-reader.js'
import type { TableAccumulator } from './table-accumulator.js'

type ColumnValues = ArrayLike<unknown>

/** Timestamps and dates as epoch milliseconds (numbers), not Date objects: one allocation less per cell. */
const EPOCH_MS_PARSERS: Partial<ParquetParsers> = {
  timestampFromMilliseconds: (millis) => Number(millis),
  timestampFromMicroseconds: (micros) => Number(micros / 1000n),
  timestampFromNanoseconds: (nanos) => Number(nanos / 1_000_000n),
  dateFromDays: (days) => days * 86_400_000,
}

/**
 * Streams a Parquet file into the table with hyparquet, one column of one row group at a time,
 * so memory is bounded by the largest column chunk, not the file. The column types come from
 * the Parquet schema: INT32/INT64 are integer, FLOAT/DOUBLE/DECIMAL float, BOOLEAN boolean,
 * DATE/TIMESTAMP/INT96 timestamp (epoch ms), strings and anything nested string (as JSON).
 */
export async function readParquetFile(
  input: TextFileInput,
  table: TableAccumulator,
  onBytes: (bytes: number) => void,
): Promise<void> {
  const file = input.relativePath
  const buffer = await asyncBufferFromFile(input.absolutePath)
  if (buffer.byteLength === 0) {
    table.warn(`${file}: empty file; it contributes no rows`)
    return
  }
  try {
    await readParquet(buffer, file, table, onBytes)
  } catch (error) {
    if (error instanceof InvalidInputError) throw error
    throw new InvalidInputError(`not a valid Parquet file: ${file}: ${(error as Error).message}`, { cause: error })
  }
}

async function readParquet(
  buffer: AsyncBuffer,
  file: string,
  table: TableAccumulator,
  onBytes: (bytes: number) => void,
): Promise<void> {
  const metadata = await parquetMetadataAsync(buffer)
  const columns = parquetSchema(metadata).children.flatMap((node) => {
    const column = table.column(node.element.name, `${file}: schema`)
    if (column === undefined) return []
    column.declareType(declaredType(node))
    return [{ node, column, type: declaredType(node), nonFinite: 0 }]
  })
  let bytesReported = 0
  let rowStart = 0
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows)
    for (const entry of columns) {
      for (const values of await readColumnChunk(buffer, metadata, entry.node.element.name, rowStart, rowEnd)) {
        entry.nonFinite += feed(entry.column, entry.type, values)
      }
    }
    table.addRows(rowEnd - rowStart)
    rowStart = rowEnd
    const groupBytes = Number(group.total_compressed_size ?? group.total_byte_size)
    const reported = Math.min(groupBytes, buffer.byteLength - bytesReported)
    bytesReported += reported
    onBytes(reported)
  }
  onBytes(buffer.byteLength - bytesReported)
  for (const { column, nonFinite } of columns) {
    if (nonFinite > 0) {
      const message = `${file}: column ${JSON.stringify(column.name)} has ${nonFinite} NaN or infinite values; they count as nulls`
      table.warn(message, column.name)
    }
  }
}

/** The values of one column in [rowStart, rowEnd), as hyparquet hands them over (one or more pages). */
async function readColumnChunk(
  buffer: AsyncBuffer,
  metadata: FileMetaData,
  name: string,
  rowStart: number,
  rowEnd: number,
): Promise<ColumnValues[]> {
  const chunks: { rowStart: number; values: ColumnValues }[] = []
  // onChunk runs inside hyparquet's promise callbacks, where a throw would be lost: only collect here.
  await parquetRead({
    file: buffer,
    metadata,
    rowStart,
    rowEnd,
    columns: [name],
    parsers: EPOCH_MS_PARSERS,
    onChunk: (chunk) => chunks.push({ rowStart: chunk.rowStart, values: chunk.columnData }),
  })
  return chunks.sort((a, b) => a.rowStart - b.rowStart).map((chunk) => chunk.values)
}

/** Feeds one chunk of values; returns how many float values were NaN or infinite (counted as null). */
function feed(column: ColumnAccumulator, type: ColumnType, values: ColumnValues): number {
  let nonFinite = 0
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (value === null || value === undefined) continue
    switch (type) {
      case 'integer':
        column.addInteger(Number(value))
        break
      case 'float': {
        const number = Number(value)
        if (Number.isFinite(number)) column.addFloat(number)
        else nonFinite++
        break
      }
      case 'timestamp':
        column.addTimestamp(value instanceof Date ? value.getTime() : Number(value))
        break
      case 'boolean':
        column.addBoolean(value === true)
        break
      default:
        column.addString(typeof value === 'string' ? value : jsonText(value))
    }
  }
  return nonFinite
}

function jsonText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()
    if (v instanceof Uint8Array) return Buffer.from(v).toString('base64')
    return v
  })
}

function declaredType(node: SchemaTree): ColumnType {
  const { type, converted_type: converted, logical_type: logical, repetition_type: repetition } = node.element
  if (node.children.length > 0 || repetition === 'REPEATED') return 'string'
  if (converted === 'DATE' || converted === 'TIMESTAMP_MILLIS' || converted === 'TIMESTAMP_MICROS') return 'timestamp'
  if (logical?.type === 'TIMESTAMP' || logical?.type === 'DATE' || type === 'INT96') return 'timestamp'
  if (converted === 'DECIMAL' || logical?.type === 'DECIMAL' || logical?.type === 'FLOAT16') return 'float'
  if (type === 'BOOLEAN') return 'boolean'
  if (type === 'INT32' || type === 'INT64') return 'integer'
  if (type === 'FLOAT' || type === 'DOUBLE') return 'float'
  return 'string'
}
