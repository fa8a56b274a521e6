import { InvalidInputError } from '@provena/contract'
import type { ColumnAccumulator } from './column-accumulator.js'
import type { TableAccumulator } from './table-accumulator.js'
import { readUtf8Chunks } from './utf8-chunks.js'

const QUOTE = 34
const LF = 10
const CR = 13
/** A record (with its quoted line breaks) may not outgrow this: memory stays bounded. */
const MAX_RECORD_CHARS = 64 * 1024 * 1024

export interface TextFileInput {
  absolutePath: string
  relativePath: string
}

/**
 * Streams a CSV (delimiter `,`) or TSV (`\t`) file into the table: RFC 4180 quoting (`""` is
 * a quote inside a quoted field; quoted fields may hold delimiters and line breaks), LF, CRLF
 * or CR line ends, a header row naming the columns. Blank lines are skipped; a record with
 * another number of fields than the header fails with its line number. Fields are handed to
 * the columns as ranges of the decoded chunk, so a cell costs no allocation unless it is a string.
 */
export async function readDelimitedFile(
  input: TextFileInput,
  delimiter: ',' | '\t',
  table: TableAccumulator,
  onBytes: (bytes: number) => void,
): Promise<void> {
  const file = input.relativePath
  const delimiterCode = delimiter.charCodeAt(0)
  // Most characters (digits, letters) are above every character that ends a field: one test.
  const highestSpecial = Math.max(delimiterCode, CR)
  let columns: (ColumnAccumulator | undefined)[] | undefined
  let starts = new Int32Array(64)
  let ends = new Int32Array(64)
  const unescaped: string[] = []
  let line = 1
  let rows = 0

  const fail = (atLine: number, problem: string) => new InvalidInputError(`${file}: line ${atLine}: ${problem}`)

  function takeHeader(text: string, fieldCount: number, atLine: number): void {
    const names: string[] = []
    for (let i = 0; i < fieldCount; i++) names.push(starts[i] === -1 ? unescaped[i] : text.slice(starts[i], ends[i]))
    const seen = new Set<string>()
    for (const name of names) {
      if (seen.has(name)) throw fail(atLine, `the header names column ${JSON.stringify(name)} twice`)
      seen.add(name)
    }
    columns = names.map((name) => table.column(name, `${file}: line ${atLine}`))
  }

  function takeRecord(text: string, fieldCount: number, atLine: number): void {
    if (columns === undefined) {
      takeHeader(text, fieldCount, atLine)
      return
    }
    if (fieldCount !== columns.length) {
      throw fail(atLine, `${fieldCount} fields where the header has ${columns.length} (a ragged row)`)
    }
    for (let i = 0; i < fieldCount; i++) {
      const column = columns[i]
      if (column === undefined) continue
      const start = starts[i]
      if (start === -1) column.addText(unescaped[i], 0, unescaped[i].length)
      else column.addText(text, start, ends[i])
    }
    rows++
  }

  /** Parses the whole records in `text` from `from`; returns where the unfinished one starts (text.length when none). */
  function parse(text: string, from: number, isFinal: boolean): number {
    const length = text.length
    let pos = from
    while (pos < length) {
      const recordStart = pos
      const recordLine = line
      let c = text.charCodeAt(pos)
      if (c === LF || c === CR) {
        if (c === CR && pos + 1 === length && !isFinal) return recordStart
        pos += c === CR && text.charCodeAt(pos + 1) === LF ? 2 : 1
        line++
        continue
      }
      let fieldCount = 0
      for (;;) {
        if (fieldCount === starts.length) {
          starts = grow(starts)
          ends = grow(ends)
        }
        if (text.charCodeAt(pos) === QUOTE) {
          let p = pos + 1
          let segmentStart = p
          let value: string | undefined
          let close = -1
          while (close === -1) {
            const q = text.indexOf('"', p)
            if (q === -1 || (q + 1 === length && !isFinal)) break
            if (text.charCodeAt(q + 1) === QUOTE) {
              value = (value ?? '') + text.slice(segmentStart, q + 1)
              p = q + 2
              segmentStart = p
            } else close = q
          }
          if (close === -1) {
            if (isFinal) throw fail(recordLine, 'a quoted field is not closed')
            line = recordLine
            return recordStart
          }
          for (let i = pos + 1; i < close; i++) if (text.charCodeAt(i) === LF) line++
          if (value === undefined) {
            starts[fieldCount] = pos + 1
            ends[fieldCount] = close
          } else {
            starts[fieldCount] = -1
            unescaped[fieldCount] = value + text.slice(segmentStart, close)
          }
          pos = close + 1
          c = text.charCodeAt(pos)
          if (pos < length && c !== delimiterCode && c !== LF && c !== CR) {
            throw fail(line, 'a character follows the closing quote of a field (quotes inside a field are written "")')
          }
        } else {
          let p = pos
          while (p < length) {
            c = text.charCodeAt(p)
            if (c <= highestSpecial && (c === delimiterCode || c === LF || c === CR)) break
            p++
          }
          starts[fieldCount] = pos
          ends[fieldCount] = p
          pos = p
        }
        fieldCount++
        if (pos === length) {
          if (!isFinal) {
            line = recordLine
            return recordStart
          }
          break
        }
        c = text.charCodeAt(pos)
        if (c === delimiterCode) {
          pos++
          continue
        }
        if (c === CR && pos + 1 === length && !isFinal) {
          line = recordLine
          return recordStart
        }
        pos += c === CR && text.charCodeAt(pos + 1) === LF ? 2 : 1
        line++
        break
      }
      takeRecord(text, fieldCount, recordLine)
    }
    return length
  }

  /**
   * Finishes the record left over from the previous chunk in a small string of its own, when it
   * ends at the chunk's first line break; returns where the chunk's own records start, or -1.
   * Parsing `pending + chunk` instead would read every character of the chunk through a V8
   * cons string, about half again as slow.
   */
  function finishPending(pending: string, chunk: string): number {
    const lineEnd = chunk.indexOf('\n')
    if (lineEnd === -1) return -1
    const head = pending + chunk.slice(0, lineEnd + 1)
    return parse(head, 0, false) === head.length ? lineEnd + 1 : -1
  }

  let pending = ''
  for await (const chunk of readUtf8Chunks(input.absolutePath, file, onBytes)) {
    const from = pending.length === 0 ? 0 : finishPending(pending, chunk)
    const text = from === -1 ? pending + chunk : chunk
    const consumed = parse(text, Math.max(from, 0), false)
    pending = consumed === text.length ? '' : text.slice(consumed)
    if (pending.length > MAX_RECORD_CHARS) throw fail(line, `a record is longer than ${MAX_RECORD_CHARS} characters`)
    table.addRows(rows)
    rows = 0
  }
  if (pending.length > 0) parse(pending, 0, true)
  table.addRows(rows)
  if (columns === undefined) table.warn(`${file}: empty file (no header row); it contributes no rows`)
}

function grow(array: Int32Array): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(array.length * 2)
  grown.set(array)
  return grown
}
