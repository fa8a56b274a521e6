import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parquetWriteFile } from 'hyparquet-writer'
import { prng } from './prng.js'

type Cell = number | string | boolean | Date | null
type ParquetType = 'INT32' | 'DOUBLE' | 'STRING' | 'BOOLEAN' | 'TIMESTAMP'

export interface SyntheticTable {
  columns: { name: string; type: ParquetType }[]
  rows: Cell[][]
}

/** A column named like SQL: names are data and must come through untouched. */
export const SQL_LIKE_NAME = `x"; DROP TABLE datasets; --`
const LABELS = ['alpha', 'beta', 'gamma, with a comma', 'delta "quoted"', 'epsilon\nwith a line break', 'ζῆτα']
const T0 = Date.UTC(2024, 0, 1)

/** A seeded table with every column type, some nulls, and values that need CSV quoting. */
export function syntheticTable(rowCount: number, seed: number): SyntheticTable {
  const random = prng(seed)
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
  const maybeNull = <T>(value: T, rate: number) => (random() < rate ? null : value)
  const rows: Cell[][] = []
  for (let i = 0; i < rowCount; i++) {
    let price = Math.round((50 + normal() * 10) * 1000) / 1000
    if (Number.isInteger(price)) price += 0.5
    rows.push([
      i,
      maybeNull(Math.floor(random() * 100) - 20, 0.05),
      price,
      maybeNull(Math.round(random() ** 2 * 1e6) / 1e3 + 0.0001, 0.1),
      maybeNull(LABELS[Math.floor(random() ** 2 * LABELS.length)], 0.03),
      random() < 0.3,
      new Date(T0 + Math.floor(random() * 86_400 * 365) * 1000),
      maybeNull(`user-${Math.floor(random() * 50)}`, 0.01),
    ])
  }
  return {
    columns: [
      { name: 'id', type: 'INT32' },
      { name: 'score', type: 'INT32' },
      { name: 'price', type: 'DOUBLE' },
      { name: 'température °C', type: 'DOUBLE' },
      { name: 'label', type: 'STRING' },
      { name: 'is_member', type: 'BOOLEAN' },
      { name: 'signed_up', type: 'TIMESTAMP' },
      { name: SQL_LIKE_NAME, type: 'STRING' },
    ],
    rows,
  }
}

export async function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'provena-data-test-'))
}

function csvField(value: Cell, delimiter: string): string {
  if (value === null) return ''
  const text = value instanceof Date ? value.toISOString() : String(value)
  return text.includes(delimiter) || /["\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export async function writeDelimited(table: SyntheticTable, file: string, delimiter = ',', lineEnd = '\n') {
  const lines = [
    table.columns.map((c) => csvField(c.name, delimiter)),
    ...table.rows.map((row) => row.map((v) => csvField(v, delimiter))),
  ]
  await writeFile(file, `${lines.map((cells) => cells.join(delimiter)).join(lineEnd)}${lineEnd}`)
}

export async function writeJsonLines(table: SyntheticTable, file: string) {
  const lines = table.rows.map((row) => {
    const object: Record<string, unknown> = {}
    // Null cells of every other column are left out, the rest written as null: both read as null.
    table.columns.forEach((column, c) => {
      if (row[c] !== null || c % 2 === 0) object[column.name] = row[c]
    })
    return JSON.stringify(object)
  })
  await writeFile(file, `${lines.join('\n')}\n`)
}

export function writeParquet(table: SyntheticTable, file: string, rowGroupSize = 1000) {
  parquetWriteFile({
    filename: file,
    rowGroupSize,
    columnData: table.columns.map((column, c) => ({
      name: column.name,
      type: column.type,
      data: table.rows.map((row) => row[c]),
    })),
  })
}
