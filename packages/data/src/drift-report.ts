import type {
  ColumnDrift,
  ColumnProfile,
  ColumnType,
  DatasetColumn,
  DatasetProfile,
  DriftReport,
  DriftThresholds,
  DriftVerdict,
} from '@provena/contract'
import { categoricalDrift } from './drift-categorical.js'
import { numericDrift } from './drift-numeric.js'

/** One side of a comparison: a profile and what to call it in the report. */
export interface ProfiledSide {
  label: string
  profile: DatasetProfile
}

type Levels = DriftThresholds['psi']

const SEVERITY: Record<DriftVerdict, number> = { ok: 0, warn: 1, drift: 2 }
/** How many new or vanished values a reason names before it says "and N more". */
const NAMED_CATEGORIES = 5

/**
 * The drift of `current` against `reference`: schema changes, row counts, and per column present
 * on both sides PSI with KS (numeric) or Jensen-Shannon distance (categorical), each graded
 * against `thresholds`. Rules: docs/datasets-digest-and-drift.md. `files` is left null.
 */
export function compareProfiles(
  reference: ProfiledSide,
  current: ProfiledSide,
  thresholds: DriftThresholds,
): DriftReport {
  const referenceColumns = byName(reference.profile.columns)
  const currentColumns = byName(current.profile.columns)
  const added: DatasetColumn[] = []
  const removed: DatasetColumn[] = []
  const retyped: DriftReport['schema']['retyped'] = []
  const columns: ColumnDrift[] = []
  for (const column of referenceColumns.values()) {
    const other = currentColumns.get(column.name)
    if (!other) {
      removed.push({ name: column.name, type: column.type })
      continue
    }
    if (other.type !== column.type) retyped.push({ name: column.name, from: column.type, to: other.type })
    columns.push(compareColumn(column, other, thresholds))
  }
  for (const column of currentColumns.values()) {
    if (!referenceColumns.has(column.name)) added.push({ name: column.name, type: column.type })
  }
  const schemaVerdict: DriftVerdict =
    removed.length > 0 || retyped.length > 0 ? 'drift' : added.length > 0 ? 'warn' : 'ok'
  const referenceRows = reference.profile.rowCount
  const currentRows = current.profile.rowCount
  return {
    reference: { label: reference.label, rowCount: referenceRows },
    current: { label: current.label, rowCount: currentRows },
    rowCount: {
      reference: referenceRows,
      current: currentRows,
      change: currentRows - referenceRows,
      relativeChange: referenceRows > 0 ? (currentRows - referenceRows) / referenceRows : null,
    },
    schema: { added, removed, retyped },
    columns,
    files: null,
    thresholds,
    verdict: worst([schemaVerdict, ...columns.map((column) => column.verdict)]),
  }
}

/** A profile's columns by name; should a name repeat, its first column stands for it. */
function byName(columns: readonly ColumnProfile[]): Map<string, ColumnProfile> {
  const map = new Map<string, ColumnProfile>()
  for (const column of columns) if (!map.has(column.name)) map.set(column.name, column)
  return map
}

function kindOf(type: ColumnType): ColumnDrift['kind'] {
  return type === 'string' || type === 'boolean' ? 'categorical' : 'numeric'
}

function compareColumn(reference: ColumnProfile, current: ColumnProfile, thresholds: DriftThresholds): ColumnDrift {
  const kind = kindOf(reference.type)
  const drift: ColumnDrift = {
    name: reference.name,
    kind,
    referenceType: reference.type,
    currentType: current.type,
    psi: 0,
    ks: null,
    jsDistance: null,
    nullRate: { reference: nullRate(reference), current: nullRate(current) },
    mean:
      reference.numeric && current.numeric
        ? { reference: reference.numeric.mean, current: current.numeric.mean }
        : null,
    newCategories: [],
    vanishedCategories: [],
    verdict: 'ok',
    reasons: [],
  }
  const grades: Grade[] = []
  if (kindOf(current.type) !== kind) {
    grades.push({
      verdict: 'drift',
      reason: `type changed from ${reference.type} to ${current.type}: a ${kind} column cannot be compared with a ${kindOf(current.type)} one`,
    })
  } else if (!hasValues(reference) || !hasValues(current)) {
    grades.push(...gradeEmptySides(reference, current))
  } else if (kind === 'numeric' && reference.numeric && current.numeric) {
    const { psi, ks } = numericDrift(reference.numeric.quantiles, current.numeric.quantiles)
    Object.assign(drift, { psi, ks })
    grades.push(grade('PSI', psi, thresholds.psi), grade('KS', ks, thresholds.ks))
  } else if (kind === 'categorical' && reference.categories && current.categories) {
    const measures = categoricalDrift(reference.categories, current.categories)
    Object.assign(drift, measures)
    grades.push(
      grade('PSI', measures.psi, thresholds.psi),
      grade('JS distance', measures.jsDistance, thresholds.jsDistance),
    )
    grades.push(
      gradeCategories('new', measures.newCategories),
      gradeCategories('vanished', measures.vanishedCategories),
    )
  }
  drift.verdict = worst(grades.map((g) => g.verdict))
  drift.reasons = grades.flatMap((g) => (g.reason ? [g.reason] : []))
  return drift
}

interface Grade {
  verdict: DriftVerdict
  reason?: string
}

/** A measure at or above a level reaches it (the contract's DriftThresholds). */
function grade(measure: string, value: number, levels: Levels): Grade {
  if (value >= levels.drift) return { verdict: 'drift', reason: `${measure} ${formatNumber(value)} >= ${levels.drift}` }
  if (value >= levels.warn) return { verdict: 'warn', reason: `${measure} ${formatNumber(value)} >= ${levels.warn}` }
  return { verdict: 'ok' }
}

function gradeCategories(which: 'new' | 'vanished', values: readonly string[]): Grade {
  if (values.length === 0) return { verdict: 'ok' }
  const named = values
    .slice(0, NAMED_CATEGORIES)
    .map((value) => JSON.stringify(value))
    .join(', ')
  const more = values.length > NAMED_CATEGORIES ? ` and ${values.length - NAMED_CATEGORIES} more` : ''
  const noun = values.length === 1 ? 'category' : 'categories'
  return { verdict: 'warn', reason: `${values.length} ${which} ${noun}: ${named}${more}` }
}

/** A side without a single value has no distribution: no measures, and drift unless both are empty. */
function gradeEmptySides(reference: ColumnProfile, current: ColumnProfile): Grade[] {
  if (!hasValues(reference) && !hasValues(current)) return []
  const [side, column] = hasValues(reference) ? ['current', current] : ['reference', reference]
  const missing = column.count === 0 ? 'no values' : 'no statistics for its values'
  return [{ verdict: 'drift', reason: `${missing} on the ${side} side` }]
}

/** Whether the column has values and the statistics its kind is compared on. */
function hasValues(column: ColumnProfile): boolean {
  return column.count > 0 && (kindOf(column.type) === 'numeric' ? column.numeric !== null : column.categories !== null)
}

function nullRate(column: ColumnProfile): number {
  const rows = column.count + column.nullCount
  return rows > 0 ? column.nullCount / rows : 0
}

function worst(verdicts: readonly DriftVerdict[]): DriftVerdict {
  let result: DriftVerdict = 'ok'
  for (const verdict of verdicts) if (SEVERITY[verdict] > SEVERITY[result]) result = verdict
  return result
}

/** Three significant digits: "PSI 0.312 >= 0.25". */
function formatNumber(value: number): string {
  return String(Number(value.toPrecision(3)))
}
