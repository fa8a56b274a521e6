import type { DatasetProfile, DatasetSchema } from '@provena/contract'
import { InvalidInputError, MAX_DATASET_COLUMNS } from '@provena/contract'
import { type ColumnAccumulator, createColumnAccumulator } from './column-accumulator.js'

/** The files of a dataset profiled as one table: columns by name, in order of first appearance. */
export interface TableAccumulator {
  /** A column by name, created (null in every earlier row) when new; `where` names the file and line for errors. */
  column(name: string, where: string): ColumnAccumulator
  addRows(rows: number): void
  readonly rowCount: number
  warn(message: string): void
  finish(filesProfiled: number): { schema: DatasetSchema; profile: DatasetProfile }
}

const MAX_COLUMN_NAME_LENGTH = 1024
const MAX_WARNINGS = 100
const MAX_WARNING_LENGTH = 1000

export function createTableAccumulator(): TableAccumulator {
  const columns = new Map<string, ColumnAccumulator>()
  const warnings: string[] = []
  let suppressedWarnings = 0
  let rowCount = 0

  const warn = (message: string) => {
    if (warnings.length < MAX_WARNINGS - 1) warnings.push(message.slice(0, MAX_WARNING_LENGTH))
    else suppressedWarnings++
  }

  return {
    column(name, where) {
      const known = columns.get(name)
      if (known !== undefined) return known
      if (name.length === 0) throw new InvalidInputError(`${where}: a column has an empty name`)
      if (name.length > MAX_COLUMN_NAME_LENGTH) {
        throw new InvalidInputError(`${where}: a column name is longer than ${MAX_COLUMN_NAME_LENGTH} characters`)
      }
      if (columns.size >= MAX_DATASET_COLUMNS) {
        throw new InvalidInputError(`${where}: more than ${MAX_DATASET_COLUMNS} columns`)
      }
      const column = createColumnAccumulator(name)
      columns.set(name, column)
      return column
    },
    addRows(rows) {
      rowCount += rows
    },
    get rowCount() {
      return rowCount
    },
    warn,
    finish(filesProfiled) {
      const profiles = [...columns.values()].map((column) => column.finish(rowCount, warn))
      if (suppressedWarnings > 0) warnings.push(`… and ${suppressedWarnings} more warnings`)
      return {
        schema: { columns: profiles.map(({ name, type }) => ({ name, type })) },
        profile: { rowCount, columns: profiles, filesProfiled, warnings },
      }
    },
  }
}
