import { InvalidInputError, parseRunFilter, parseRunOrderBy, type Run } from '@provena/contract'
import { formatMetricValue, formatPairs, formatRunDuration, formatTimestamp } from '../output/format.js'
import { type Column, formatTable } from '../output/table.js'

/** A metric, param or tag that gets its own column in the runs table. */
interface KeyColumn {
  entity: 'metric' | 'param' | 'tag'
  key: string
}

interface RunsTableLayout {
  keyColumns: KeyColumn[]
  isExperimentShown: boolean
  isLifecycleShown: boolean
}

const ENTITY_PREFIX: Record<KeyColumn['entity'], string> = { metric: 'metrics', param: 'params', tag: 'tags' }

/**
 * The metrics, params and tags named in --order-by and --filter, so the table shows the values
 * the runs were sorted and selected by. The server has accepted both already; should this
 * client's parser disagree (a newer server), the table just shows fewer columns.
 */
export function referencedColumns(filter: string, orderBy: string[]): KeyColumn[] {
  let named: { entity: string; key: string }[]
  try {
    named = [...orderBy.map(parseRunOrderBy), ...parseRunFilter(filter)]
  } catch (error) {
    if (error instanceof InvalidInputError) return []
    throw error
  }
  const columns = new Map<string, KeyColumn>()
  for (const { entity, key } of named) {
    if (entity === 'metric' || entity === 'param' || entity === 'tag') columns.set(`${entity}\n${key}`, { entity, key })
  }
  return [...columns.values()]
}

function latestMetric(run: Run, key: string) {
  return run.metrics.find((metric) => metric.key === key)
}

function keyValue(run: Run, { entity, key }: KeyColumn): string {
  if (entity === 'param') return run.params[key] ?? ''
  if (entity === 'tag') return run.tags[key] ?? ''
  const metric = latestMetric(run, key)
  return metric === undefined ? '' : formatMetricValue(metric.value)
}

function metricsSummary(run: Run): string {
  return formatPairs(Object.fromEntries(run.metrics.map((metric) => [metric.key, formatMetricValue(metric.value)])))
}

/** The runs as a table; without --order-by or --filter keys, a summary of the latest metrics fills the last column. */
export function formatRunsTable(runs: Run[], layout: RunsTableLayout, nowMs: number): string {
  const { keyColumns, isExperimentShown, isLifecycleShown } = layout
  const columns: Column[] = [
    { header: 'RUN ID' },
    { header: 'NAME', maxWidth: 30 },
    ...(isExperimentShown ? [{ header: 'EXPERIMENT' }] : []),
    { header: 'STATUS' },
    ...(isLifecycleShown ? [{ header: 'LIFECYCLE' }] : []),
    { header: 'STARTED' },
    { header: 'DURATION' },
    ...keyColumns.map((c) => ({ header: `${ENTITY_PREFIX[c.entity]}.${c.key}`, maxWidth: 24 })),
    ...(keyColumns.length === 0 ? [{ header: 'METRICS', maxWidth: 50 }] : []),
  ]
  const rows = runs.map((run) => [
    run.id,
    run.name,
    ...(isExperimentShown ? [run.experimentId] : []),
    run.status,
    ...(isLifecycleShown ? [run.lifecycle] : []),
    formatTimestamp(run.startTimeMs),
    formatRunDuration(run, nowMs),
    ...keyColumns.map((column) => keyValue(run, column)),
    ...(keyColumns.length === 0 ? [metricsSummary(run)] : []),
  ])
  return formatTable(columns, rows)
}

function formatSection(title: string, columns: Column[], rows: string[][]): string {
  return `\n${title}\n${rows.length === 0 ? '(none)\n' : formatTable(columns, rows)}`
}

/** `runs show`: the overview as aligned name/value lines, then params, tags and latest metrics. */
export function formatRunDetails(run: Run, nowMs: number): string {
  const overview: [string, string][] = [
    ['run id', run.id],
    ['name', run.name],
    ['experiment', run.experimentId],
    ['status', run.status],
    ['lifecycle', run.lifecycle],
    ['user', run.userId],
    ['started', formatTimestamp(run.startTimeMs)],
    ['ended', formatTimestamp(run.endTimeMs)],
    ['duration', formatRunDuration(run, nowMs)],
    ['parent run', run.parentRunId ?? '-'],
  ]
  const sorted = (pairs: Record<string, string>) =>
    Object.keys(pairs)
      .sort()
      .map((key) => [key, pairs[key] ?? ''])
  const valueColumns = [{ header: 'KEY' }, { header: 'VALUE', maxWidth: 80 }]
  const metrics = [...run.metrics]
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((m) => [m.key, formatMetricValue(m.value), String(m.step), formatTimestamp(m.timestampMs)])
  return [
    formatTable([{ header: '' }, { header: '', maxWidth: 80 }], overview, { showHeader: false }),
    formatSection('Params', valueColumns, sorted(run.params)),
    formatSection('Tags', valueColumns, sorted(run.tags)),
    formatSection(
      'Metrics (latest value)',
      [{ header: 'KEY' }, { header: 'VALUE' }, { header: 'STEP' }, { header: 'LOGGED' }],
      metrics,
    ),
  ].join('')
}
