import { describe, expect, it } from 'vitest'
import { detectFormat } from './detect-format.js'

describe('detectFormat', () => {
  it.each([
    ['data.csv', 'csv'],
    ['dir/Data.CSV', 'csv'],
    ['a.tsv', 'tsv'],
    ['a.tab', 'tsv'],
    ['rows.jsonl', 'jsonl'],
    ['rows.ndjson', 'jsonl'],
    ['part-0.parquet', 'parquet'],
    ['C:\\data\\x.parquet', 'parquet'],
    ['notes.txt', undefined],
    ['data.csv.gz', undefined],
    ['.csv', undefined],
    ['dir.csv/README', undefined],
  ])('%s is %s', (file, format) => {
    expect(detectFormat(file)).toBe(format)
  })
})
