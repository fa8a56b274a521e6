import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { DatasetProfile, InvalidInputError } from '@provena/contract'
import { describe, expect, it } from 'vitest'
import { buildWorkspacePackage } from '../../server/src/test-support/workspace-build.js'
import { type ProfileInput, type ProfileProgress, profileFiles } from './profile-files.js'
import {
  SQL_LIKE_NAME,
  syntheticTable,
  tempDir,
  writeDelimited,
  writeJsonLines,
  writeParquet,
} from './test-support/synthetic-table.js'

const input = (dir: string, name: string, format: ProfileInput['format']): ProfileInput => ({
  absolutePath: path.join(dir, name),
  relativePath: name,
  format,
})

describe('profileFiles', () => {
  it('gives the same profile for the same table as CSV, TSV, JSON Lines and Parquet', async () => {
    const dir = await tempDir()
    const table = syntheticTable(5000, 1)
    await writeDelimited(table, path.join(dir, 't.csv'), ',', '\r\n')
    await writeDelimited(table, path.join(dir, 't.tsv'), '\t')
    await writeJsonLines(table, path.join(dir, 't.jsonl'))
    writeParquet(table, path.join(dir, 't.parquet'))

    const csv = await profileFiles([input(dir, 't.csv', 'csv')])
    const tsv = await profileFiles([input(dir, 't.tsv', 'tsv')])
    const jsonl = await profileFiles([input(dir, 't.jsonl', 'jsonl')])
    const parquet = await profileFiles([input(dir, 't.parquet', 'parquet')])

    expect(csv.schema.columns).toEqual([
      { name: 'id', type: 'integer' },
      { name: 'score', type: 'integer' },
      { name: 'price', type: 'float' },
      { name: 'température °C', type: 'float' },
      { name: 'label', type: 'string' },
      { name: 'is_member', type: 'boolean' },
      { name: 'signed_up', type: 'timestamp' },
      { name: SQL_LIKE_NAME, type: 'string' },
    ])
    expect(csv.profile.rowCount).toBe(5000)
    expect(tsv).toEqual(csv)
    expect(jsonl).toEqual(csv)
    expect(parquet).toEqual(csv)
    expect(DatasetProfile.parse(csv.profile)).toEqual(csv.profile)
  })

  it('profiles several files as one table, counting a column missing from a file as null there', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'a.csv'), 'id,city\n1,Oslo\n2,Rome\n')
    await writeFile(path.join(dir, 'b.jsonl'), '{"id": 3, "temperature": 21.5}\n{"id": 4}\n')

    const { schema, profile } = await profileFiles([input(dir, 'a.csv', 'csv'), input(dir, 'b.jsonl', 'jsonl')])

    expect(schema.columns).toEqual([
      { name: 'id', type: 'integer' },
      { name: 'city', type: 'string' },
      { name: 'temperature', type: 'float' },
    ])
    expect(profile.rowCount).toBe(4)
    expect(profile.filesProfiled).toBe(2)
    expect(profile.columns.map((c) => [c.name, c.count, c.nullCount])).toEqual([
      ['id', 4, 0],
      ['city', 2, 2],
      ['temperature', 1, 3],
    ])
  })

  it('profiles a column that mixes numbers and words as string, shows the mix and warns', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'mixed.csv'), 'age\n31\n42\nunknown\n42\n2.5\n\n')

    const { schema, profile } = await profileFiles([input(dir, 'mixed.csv', 'csv')])

    expect(schema.columns).toEqual([{ name: 'age', type: 'string' }])
    expect(profile.columns[0]).toMatchObject({
      count: 5,
      nullCount: 0,
      typeCounts: { integer: 3, float: 1, string: 1 },
      numeric: null,
      categories: {
        values: [
          { value: '42', count: 2 },
          { value: '2.5', count: 1 },
          { value: '31', count: 1 },
          { value: 'unknown', count: 1 },
        ],
        otherCount: 0,
        isExact: true,
      },
    })
    expect(profile.warnings).toEqual([
      'column "age" mixes value types (3 integer, 1 float, 1 string); it is profiled as string',
    ])
  })

  it('widens a column of integers and floats to float without a warning', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'n.csv'), 'x\n1\n2.5\n1e3\n')

    const { profile } = await profileFiles([input(dir, 'n.csv', 'csv')])

    expect(profile.columns[0]).toMatchObject({ type: 'float', typeCounts: { integer: 1, float: 2 } })
    expect(profile.columns[0].numeric).toMatchObject({ min: 1, max: 1000 })
    expect(profile.warnings).toEqual([])
  })

  it('counts an empty file as no rows with a warning, for every format', async () => {
    const dir = await tempDir()
    for (const name of ['e.csv', 'e.jsonl', 'e.parquet']) await writeFile(path.join(dir, name), '')
    await writeFile(path.join(dir, 'data.csv'), 'a\n1\n')

    const { profile } = await profileFiles([
      input(dir, 'e.csv', 'csv'),
      input(dir, 'data.csv', 'csv'),
      input(dir, 'e.jsonl', 'jsonl'),
      input(dir, 'e.parquet', 'parquet'),
    ])

    expect(profile.rowCount).toBe(1)
    expect(profile.filesProfiled).toBe(4)
    expect(profile.warnings).toEqual([
      'e.csv: empty file (no header row); it contributes no rows',
      'e.jsonl: empty file (no JSON objects); it contributes no rows',
      'e.parquet: empty file; it contributes no rows',
    ])
  })

  it('reports progress in bytes and rows, ending at the total', async () => {
    const dir = await tempDir()
    await writeDelimited(syntheticTable(3000, 2), path.join(dir, 'p.csv'))
    const reports: ProfileProgress[] = []

    await profileFiles([input(dir, 'p.csv', 'csv')], { onProgress: (p) => reports.push(p) })

    const last = reports.at(-1)
    expect(last).toEqual({ bytesRead: last?.totalBytes, totalBytes: last?.totalBytes, rows: 3000 })
  })

  it('refuses a path that does not exist, naming it', async () => {
    const dir = await tempDir()
    await expect(profileFiles([input(dir, 'missing.csv', 'csv')])).rejects.toThrow(
      expect.objectContaining({
        name: InvalidInputError.name,
        message: expect.stringMatching(/^missing\.csv: cannot be read/),
      }),
    )
  })

  it('gives the same profile for the same rows (seeded sketches), and exact quantiles for a small column', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'q.csv'), `v\n${Array.from({ length: 1001 }, (_, i) => 1000 - i).join('\n')}\n`)

    const first = await profileFiles([input(dir, 'q.csv', 'csv')])
    const second = await profileFiles([input(dir, 'q.csv', 'csv')])

    expect(second).toEqual(first)
    const numeric = first.profile.columns[0].numeric
    expect(numeric?.quantiles).toEqual(Array.from({ length: 101 }, (_, i) => i * 10))
    expect(numeric).toMatchObject({ min: 0, max: 1000, mean: 500 })
    expect(numeric?.histogram.counts.reduce((a, b) => a + b, 0)).toBe(1001)
  })

  it('gives the same profile whatever the number of parts the columns are split into', async () => {
    const dir = await tempDir()
    await writeDelimited(syntheticTable(3000, 6), path.join(dir, 'a.csv'))
    await writeFile(path.join(dir, 'b.csv'), '')
    await writeFile(path.join(dir, 'c.jsonl'), '{"id": "x", "extra": 1}\n{"extra": "y"}\n')
    const files = [input(dir, 'a.csv', 'csv'), input(dir, 'b.csv', 'csv'), input(dir, 'c.jsonl', 'jsonl')]

    const whole = await profileFiles(files, { workers: 1 })

    expect(await profileFiles(files, { workers: 3 })).toEqual(whole)
    expect(whole.profile.warnings).toEqual([
      'b.csv: empty file (no header row); it contributes no rows',
      'column "id" mixes value types (3000 integer, 1 string); it is profiled as string',
      'column "extra" mixes value types (1 integer, 1 string); it is profiled as string',
    ])
  })

  it('gives the same profile from worker threads (built code) as in this thread', { timeout: 180_000 }, async () => {
    await buildWorkspacePackage('data')
    const built: { profileFiles: typeof profileFiles } = await import('../dist/index.js')
    const dir = await tempDir()
    await writeDelimited(syntheticTable(4000, 8), path.join(dir, 'w.csv'))
    writeParquet(syntheticTable(4000, 9), path.join(dir, 'w.parquet'), 500)
    const files = [input(dir, 'w.csv', 'csv'), input(dir, 'w.parquet', 'parquet')]

    const threaded = await built.profileFiles(files, { workers: 2 })

    expect(threaded).toEqual(await profileFiles(files, { workers: 1 }))
    await writeFile(path.join(dir, 'bad.csv'), 'a,b\n1\n')
    await expect(built.profileFiles([input(dir, 'bad.csv', 'csv')], { workers: 2 })).rejects.toThrow(
      expect.objectContaining({
        name: InvalidInputError.name,
        message: 'bad.csv: line 2: 1 fields where the header has 2 (a ragged row)',
      }),
    )
  })

  it('keeps the profile finite for values near the largest double', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'huge.csv'), 'x\n1.7e308\n-1.7e308\n1e308\n')

    const { profile } = await profileFiles([input(dir, 'huge.csv', 'csv')])

    expect(DatasetProfile.parse(profile)).toEqual(profile)
    expect(profile.columns[0].numeric).toMatchObject({ min: -1.7e308, max: 1.7e308 })
  })
})
