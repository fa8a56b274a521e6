import { InvalidInputError } from '@provena/contract'
import type { ExperimentOrderBy } from '../../storage/db/experiments-repository.js'

/** What an MLflow experiment filter asks of the name: a LIKE pattern, or one exact name. */
type ExperimentNameFilter = { nameLike?: string; nameILike?: string; exactName?: string }

const NAME_CLAUSE = /^\s*(?:attributes?\.)?name\s+(LIKE|ILIKE|=)\s+(?:'((?:[^']|'')*)'|"((?:[^"]|"")*)")\s*$/i

/**
 * The part of MLflow's experiment filter language Provena serves: one comparison of the name
 * (`name LIKE 'x%'`, `name ILIKE '%x%'`, `name = 'x'`). Anything else is refused by name rather
 * than ignored, so a client never gets a wider answer than it asked for.
 */
export function parseExperimentFilter(filter: string | undefined): ExperimentNameFilter {
  if (filter === undefined || filter.trim() === '') return {}
  const match = NAME_CLAUSE.exec(filter)
  if (!match) {
    throw new InvalidInputError(
      `Unsupported experiment filter '${filter}': Provena's MLflow API filters experiments by name only (name LIKE '...', name ILIKE '...' or name = '...')`,
    )
  }
  const value = match[2] !== undefined ? match[2].replaceAll("''", "'") : (match[3] ?? '').replaceAll('""', '"')
  const operator = match[1]?.toUpperCase()
  if (operator === '=') return { exactName: value }
  return operator === 'ILIKE' ? { nameILike: value } : { nameLike: value }
}

const ORDER_COLUMNS: Record<string, ExperimentOrderBy['column']> = {
  name: 'name',
  experiment_id: 'id',
  creation_time: 'createdAtMs',
  last_update_time: 'updatedAtMs',
}

/** MLflow's experiment order-by clauses: `<column> [ASC|DESC]` over name, id, creation and update time. */
export function parseExperimentOrderBy(clauses: string[] | undefined): ExperimentOrderBy[] {
  return (clauses ?? []).map((clause) => {
    const match = /^\s*(?:attributes?\.)?(\w+)(?:\s+(ASC|DESC))?\s*$/i.exec(clause)
    const column = match ? ORDER_COLUMNS[(match[1] ?? '').toLowerCase()] : undefined
    if (!match || column === undefined) {
      throw new InvalidInputError(
        `Invalid order_by clause '${clause}': use name, experiment_id, creation_time or last_update_time, optionally followed by ASC or DESC`,
      )
    }
    return { column, direction: (match[2] ?? 'ASC').toUpperCase() === 'DESC' ? 'desc' : 'asc' }
  })
}
