import type { ColumnProfile, DatasetProfile, DatasetSchema } from '@provena/contract'
import { InvalidInputError, MAX_DATASET_COLUMNS } from '@provena/contract'
import { ColumnAccumulator } from './column-accumulator.js'

/**
 * The files of a dataset profiled as one table: columns by name, in order of first appearance.
 * A table may profile only a part of the columns (every `count`-th, from `index`), so that
 * worker threads can share the columns; every part still sees every name and row.
 */
export interface TableAccumulator {
  /** Files are read one after another; warnings sort by file. */
  startFile(fileIndex: number): void
  /**
   * A column by name, created (null in every earlier row) when new; undefined when another part
   * profiles it. `where` names the file and line for errors.
   */
  column(name: string, where: string): ColumnAccumulator | undefined
  addRows(rows: number): void
  readonly rowCount: number
  /** A documented handling worth telling the user; `columnName` when it concerns one column. */
  warn(message: string, columnName?: string): void
  finish(): TablePart
}

/** What one part of the table found; parts merge into the profile (`mergeTableParts`). */
export interface TablePart {
  /** Every column name, in order of first appearance. */
  names: string[]
  /** This part's columns. */
  columns: ColumnProfile[]
  rowCount: number
  warnings: { order: [number, number]; message: string }[]
}

const MAX_COLUMN_NAME_LENGTH = 1024
const MAX_WARNINGS = 100
const MAX_WARNING_LENGTH = 1000

export function createTableAccumulator(part = { index: 0, count: 1 }): TableAccumulator {
  const names = new Map<string, ColumnAccumulator | undefined>()
  const order = new Map<string, number>()
  const warnings: TablePart['warnings'] = []
  let fileIndex = 0
  let rowCount = 0
  let isFinishing = false

  const warn = (message: string, columnName?: string) => {
    const columnIndex = columnName === undefined ? -1 : (order.get(columnName) ?? -1)
    warnings.push({ order: [isFinishing ? Number.MAX_SAFE_INTEGER : fileIndex, columnIndex], message })
  }

  return {
    startFile(index) {
      fileIndex = index
    },
    column(name, where) {
      const known = names.get(name)
      if (known !== undefined || names.has(name)) return known
      if (name.length === 0) throw new InvalidInputError(`${where}: a column has an empty name`)
      if (name.length > MAX_COLUMN_NAME_LENGTH) {
        throw new InvalidInputError(`${where}: a column name is longer than ${MAX_COLUMN_NAME_LENGTH} characters`)
      }
      if (names.size >= MAX_DATASET_COLUMNS)
        throw new InvalidInputError(`${where}: more than ${MAX_DATASET_COLUMNS} columns`)
      const column = names.size % part.count === part.index ? new ColumnAccumulator(name) : undefined
      order.set(name, names.size)
      names.set(name, column)
      return column
    },
    addRows(rows) {
      rowCount += rows
    },
    get rowCount() {
      return rowCount
    },
    warn,
    finish() {
      isFinishing = true
      const columns: ColumnProfile[] = []
      for (const [name, column] of names) {
        if (column !== undefined) columns.push(column.finish(rowCount, (message) => warn(message, name)))
      }
      return { names: [...names.keys()], columns, rowCount, warnings }
    },
  }
}

/** The profile of the whole table from its parts: columns in order, warnings by file then column, once each. */
export function mergeTableParts(
  parts: TablePart[],
  filesProfiled: number,
): { schema: DatasetSchema; profile: DatasetProfile } {
  const byName = new Map(parts.flatMap((part) => part.columns.map((column) => [column.name, column])))
  const columns = parts[0].names.flatMap((name) => byName.get(name) ?? [])
  const seen = new Set<string>()
  const warnings = parts
    .flatMap((part) => part.warnings)
    .sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1])
    .filter((warning) => {
      const key = `${warning.order.join(',')}:${warning.message}`
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
    .map((warning) => warning.message.slice(0, MAX_WARNING_LENGTH))
  if (warnings.length > MAX_WARNINGS) {
    warnings.splice(MAX_WARNINGS - 1, warnings.length, `… and ${warnings.length - MAX_WARNINGS + 1} more warnings`)
  }
  return {
    schema: { columns: columns.map(({ name, type }) => ({ name, type })) },
    profile: { rowCount: parts[0].rowCount, columns, filesProfiled, warnings },
  }
}
