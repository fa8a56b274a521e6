import { PostgresDialect } from 'kysely'
import pg from 'pg'

const INT8_OID = 20
const NUMERIC_OID = 1700

/**
 * node-postgres returns int8 as strings to avoid precision loss; our int8 columns (times in ms,
 * steps, ids) stay within 2^53, so they are parsed as numbers for this pool only.
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value)
    return pg.types.getTypeParser(oid, format)
  },
}

export function createPostgresDialect(url: string, poolSize: number): PostgresDialect {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types })
  return new PostgresDialect({ pool })
}
