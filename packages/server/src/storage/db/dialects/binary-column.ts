import type { DialectKind } from './dialect-kind.js'

/** The column type for raw bytes: SQLite calls it `blob`, PostgreSQL `bytea` (it has no `blob`). */
export function binaryColumnType(kind: DialectKind): 'blob' | 'bytea' {
  return kind === 'sqlite' ? 'blob' : 'bytea'
}
