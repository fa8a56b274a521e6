import { type Compilable, CompiledQuery, type Kysely } from 'kysely'
import type { DB } from './schema.js'

const MARKER_PREFIX = '\u0000provena-template-value:'

/** Stands for the value at `index` of a template's values while the template is compiled. */
export type Marker = (index: number) => never

interface Template {
  sql: string
  /** For each bound parameter: the index of the value it takes, or a constant the query itself holds. */
  slots: ({ value: number } | { constant: unknown })[]
}

// Compiled SQL depends on the dialect only, so templates are kept per dialect adapter (shared by
// a Kysely instance and its transactions), not per repository, which lives for one transaction.
const templatesByAdapter = new WeakMap<object, Map<string, Template>>()

function compileTemplate(build: (value: Marker) => Compilable): Template {
  const marker = ((index: number) => `${MARKER_PREFIX}${index}`) as Marker
  const { sql, parameters } = build(marker).compile()
  const slots = parameters.map((parameter) =>
    typeof parameter === 'string' && parameter.startsWith(MARKER_PREFIX)
      ? { value: Number(parameter.slice(MARKER_PREFIX.length)) }
      : { constant: parameter },
  )
  return { sql, slots }
}

/**
 * Runs a statement of the ingestion hot path from a template. Kysely builds a query tree, runs
 * it through its plugins and compiles it on every call, which costs more than SQLite needs to
 * run these small statements. A template is compiled once per `shape` (say, an insert of 17
 * rows) from a query built with markers in place of values; later calls only bind `values`.
 * `build` must give the same SQL for the same shape, and use each marker as a value only.
 */
export async function executeTemplate<Row>(
  db: Kysely<DB>,
  shape: string,
  build: (value: Marker) => Compilable<Row>,
  values: readonly unknown[],
): Promise<Row[]> {
  const adapter = db.getExecutor().adapter
  const templates = templatesByAdapter.get(adapter) ?? new Map<string, Template>()
  templatesByAdapter.set(adapter, templates)
  let template = templates.get(shape)
  if (!template) {
    template = compileTemplate(build)
    templates.set(shape, template)
  }
  const parameters = template.slots.map((slot) => ('value' in slot ? values[slot.value] : slot.constant))
  const result = await db.executeQuery<Row>(CompiledQuery.raw(template.sql, parameters))
  return result.rows
}
