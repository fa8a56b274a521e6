import { InvalidInputError } from '@provena/contract'
import type { TextFileInput } from './delimited-reader.js'
import type { TableAccumulator } from './table-accumulator.js'
import { readUtf8Chunks } from './utf8-chunks.js'

const MAX_LINE_CHARS = 64 * 1024 * 1024

/**
 * Streams a JSON Lines file into the table: each non-blank line is one JSON object whose
 * top-level keys are columns (a key missing on a line is null there); nested objects and
 * arrays are kept as their JSON text, typed string. Anything else on a line fails with its number.
 */
export async function readJsonLinesFile(
  input: TextFileInput,
  table: TableAccumulator,
  onBytes: (bytes: number) => void,
): Promise<void> {
  const file = input.relativePath
  let line = 0
  let rows = 0
  let fileRows = 0

  function takeLine(text: string): void {
    line++
    if (text.trim().length === 0) return
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      throw new InvalidInputError(`${file}: line ${line}: not valid JSON (${(error as Error).message})`)
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InvalidInputError(`${file}: line ${line}: not a JSON object (each line must be one {…} object)`)
    }
    const row = value as Record<string, unknown>
    for (const key in row) table.column(key, `${file}: line ${line}`)?.addJson(row[key])
    rows++
    fileRows++
  }

  let pending = ''
  for await (const chunk of readUtf8Chunks(input.absolutePath, file, onBytes)) {
    const text = pending.length === 0 ? chunk : pending + chunk
    let start = 0
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      takeLine(text.slice(start, newline))
      start = newline + 1
    }
    pending = text.slice(start)
    if (pending.length > MAX_LINE_CHARS) {
      throw new InvalidInputError(`${file}: line ${line + 1}: longer than ${MAX_LINE_CHARS} characters`)
    }
    table.addRows(rows)
    rows = 0
  }
  if (pending.length > 0) takeLine(pending)
  table.addRows(rows)
  if (fileRows === 0) table.warn(`${file}: empty file (no JSON objects); it contributes no rows`)
}
