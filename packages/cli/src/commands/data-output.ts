import type { ColumnProfile, DatasetVersion, DatasetVersionSummary, DriftReport, DriftVerdict } from '@provena/contract'
import { formatBytes, formatTimestamp } from '../output/format.js'
import { formatTable } from '../output/table.js'

const number = (n: number) => n.toLocaleString('en')
const measure = (n: number | null) => (n === null ? '-' : n.toFixed(3))
const percent = (n: number) => `${(100 * n).toFixed(1)}%`

function shortNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n)
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return number(n)
  return Math.abs(n) >= 1e6 || (Math.abs(n) < 1e-3 && n !== 0) ? n.toExponential(3) : n.toFixed(4)
}

/** One line naming a version and what it holds. */
export function describeVersion(v: DatasetVersionSummary): string {
  const rows = v.rowCount === null ? '' : `, ${number(v.rowCount)} rows`
  return `${v.datasetName}@${v.version} (${number(v.fileCount)} files, ${formatBytes(v.sizeBytes)}${rows}, ${v.format}, digest ${v.digest})`
}

export function formatVersionList(versions: DatasetVersionSummary[]): string {
  return formatTable(
    [
      { header: 'VERSION', align: 'right' },
      { header: 'FILES', align: 'right' },
      { header: 'SIZE', align: 'right' },
      { header: 'ROWS', align: 'right' },
      { header: 'FORMAT' },
      { header: 'STORED' },
      { header: 'CREATED' },
      { header: 'DIGEST', maxWidth: 16 },
      { header: 'SOURCE', maxWidth: 60 },
    ],
    versions.map((v) => [
      String(v.version),
      number(v.fileCount),
      formatBytes(v.sizeBytes),
      v.rowCount === null ? '-' : number(v.rowCount),
      v.format,
      v.isStored ? 'yes' : 'no',
      formatTimestamp(v.createdAtMs),
      v.digest.slice(0, 16),
      v.source,
    ]),
  )
}

function columnSummary(c: ColumnProfile): string[] {
  const nulls = c.count + c.nullCount === 0 ? '-' : percent(c.nullCount / (c.count + c.nullCount))
  const distinct = `${c.isDistinctExact ? '' : '~'}${number(c.distinctCount)}`
  let stats = ''
  if (c.numeric) {
    const n = c.numeric
    stats = `min ${shortNumber(n.min)}  median ${shortNumber(n.quantiles[50] ?? Number.NaN)}  max ${shortNumber(n.max)}  mean ${shortNumber(n.mean)}  sd ${shortNumber(n.stddev)}`
  } else if (c.categories) {
    stats = c.categories.values
      .slice(0, 3)
      .map((v) => `${v.value} (${number(v.count)})`)
      .join(', ')
  }
  return [c.name, c.type, nulls, distinct, stats]
}

/** A version's details: what it is, its schema and a line of statistics per column. */
export function formatVersion(v: DatasetVersion): string {
  const lines = [
    `Dataset version ${v.datasetName}@${v.version}`,
    `  digest   ${v.digest} (provena-dataset-v1)`,
    `  source   ${v.source}`,
    `  files    ${number(v.fileCount)} (${formatBytes(v.sizeBytes)}), format ${v.format}${v.isStored ? ', stored' : ''}`,
    `  created  ${formatTimestamp(v.createdAtMs)} by ${v.createdBy ?? '-'}`,
  ]
  if (v.description) lines.push(`  about    ${v.description}`)
  if (!v.profile) return `${lines.join('\n')}\n`
  lines.push(`  rows     ${number(v.profile.rowCount)}`, '')
  const table = formatTable(
    [
      { header: 'COLUMN', maxWidth: 40 },
      { header: 'TYPE' },
      { header: 'NULLS', align: 'right' },
      { header: 'DISTINCT', align: 'right' },
      { header: 'STATISTICS', maxWidth: 100 },
    ],
    v.profile.columns.map(columnSummary),
  )
  const warnings = v.profile.warnings.map((w) => `warning: ${w}\n`).join('')
  return `${lines.join('\n')}\n${table}${warnings}`
}

const VERDICT_TEXT: Record<DriftVerdict, string> = { ok: 'OK', warn: 'WARN', drift: 'DRIFT' }

function signed(n: number): string {
  return n > 0 ? `+${number(n)}` : number(n)
}

/** The drift report as text: verdict, rows, schema changes, files, and a table of columns. */
export function formatDriftReport(report: DriftReport): string {
  const { rowCount, schema } = report
  const change =
    rowCount.relativeChange === null
      ? ''
      : `, ${rowCount.relativeChange >= 0 ? '+' : ''}${percent(rowCount.relativeChange)}`
  const lines = [
    `Reference: ${report.reference.label}`,
    `Current:   ${report.current.label}`,
    `Verdict:   ${VERDICT_TEXT[report.verdict]}`,
    `Rows:      ${number(rowCount.reference)} -> ${number(rowCount.current)} (${signed(rowCount.change)}${change})`,
  ]
  const schemaChanges = [
    ...schema.added.map((c) => `+ ${c.name} (${c.type})`),
    ...schema.removed.map((c) => `- ${c.name} (${c.type})`),
    ...schema.retyped.map((c) => `~ ${c.name}: ${c.from} -> ${c.to}`),
  ]
  lines.push(`Schema:    ${schemaChanges.length === 0 ? 'unchanged' : schemaChanges.join('; ')}`)
  if (report.files) {
    const { added, removed, changed } = report.files
    lines.push(`Files:     ${added.length} added, ${removed.length} removed, ${changed.length} changed`)
  }
  const table = formatTable(
    [
      { header: 'COLUMN', maxWidth: 40 },
      { header: 'KIND' },
      { header: 'PSI', align: 'right' },
      { header: 'KS', align: 'right' },
      { header: 'JS', align: 'right' },
      { header: 'NULLS' },
      { header: 'VERDICT' },
      { header: 'WHY', maxWidth: 80 },
    ],
    report.columns.map((c) => [
      c.name,
      c.kind,
      measure(c.psi),
      measure(c.ks),
      measure(c.jsDistance),
      `${percent(c.nullRate.reference)} -> ${percent(c.nullRate.current)}`,
      VERDICT_TEXT[c.verdict],
      c.reasons.join('; '),
    ]),
  )
  return `${lines.join('\n')}\n\n${report.columns.length === 0 ? 'No column to compare.\n' : table}`
}
