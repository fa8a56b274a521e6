/** The tabular formats the profiler reads. */
export type TabularFormat = 'csv' | 'tsv' | 'jsonl' | 'parquet'

const FORMAT_BY_EXTENSION: Record<string, TabularFormat> = {
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  parquet: 'parquet',
}

/** By extension: .csv, .tsv/.tab, .jsonl/.ndjson, .parquet; anything else undefined (hashed only). */
export function detectFormat(path: string): TabularFormat | undefined {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1)
  const dot = base.lastIndexOf('.')
  if (dot <= 0) return undefined
  return FORMAT_BY_EXTENSION[base.slice(dot + 1).toLowerCase()]
}
