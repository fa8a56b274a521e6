import { type RawBuilder, sql } from 'kysely'
import type { DialectKind } from './dialect-kind.js'

/*
 * Aggregates that fold the rows of a group into one JSON text: loading 100 runs then hands 100
 * rows to JavaScript instead of 3,000, and each row costs more to hand over than to find.
 * SQLite and PostgreSQL spell them differently. PostgreSQL's result is cast to text because a
 * parsed json value would go through the CamelCasePlugin, which renames nested keys too.
 * Both render float8 exactly; an infinity comes out as 9.0e+999 (SQLite) or "Infinity" (PostgreSQL),
 * which Number() reads back either way.
 */

/** A JSON object `{ key: value, ... }` of the group's rows. */
export function jsonObjectOf(
  kind: DialectKind,
  key: RawBuilder<unknown>,
  value: RawBuilder<unknown>,
): RawBuilder<string> {
  return kind === 'sqlite'
    ? sql<string>`json_group_object(${key}, ${value})`
    : sql<string>`json_object_agg(${key}, ${value})::text`
}

/** A JSON array with one array of `columns` per row of the group, in the order of `orderBy`. */
export function jsonTuplesOf(
  kind: DialectKind,
  columns: RawBuilder<unknown>[],
  orderBy: RawBuilder<unknown>,
): RawBuilder<string> {
  const tuple = sql.join(columns)
  return kind === 'sqlite'
    ? sql<string>`json_group_array(json_array(${tuple}) order by ${orderBy})`
    : sql<string>`json_agg(json_build_array(${tuple}) order by ${orderBy})::text`
}
