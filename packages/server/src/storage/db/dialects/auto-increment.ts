import type { ColumnDefinitionBuilder, CreateTableBuilder } from 'kysely'
import type { DialectKind } from './dialect-kind.js'

/**
 * An integer primary key the database numbers itself. SQLite's `integer primary key` is the
 * rowid (no AUTOINCREMENT table needed); PostgreSQL needs a sequence, which `bigserial` brings.
 */
export function addAutoIncrementId<T extends string>(
  table: CreateTableBuilder<T, never>,
  kind: DialectKind,
): CreateTableBuilder<T, 'id'> {
  const type = kind === 'sqlite' ? 'integer' : 'bigserial'
  return table.addColumn('id', type, (col: ColumnDefinitionBuilder) => col.primaryKey())
}
