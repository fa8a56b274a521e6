import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { InvalidInputError } from '@provena/contract'
import { parquetWriteFile } from 'hyparquet-writer'
import { describe, expect, it } from 'vitest'
import { profileFiles } from './profile-files.js'
import { syntheticTable, tempDir, writeParquet } from './test-support/synthetic-table.js'

const profileParquet = (dir: string, name: string) =>
  profileFiles([{ absolutePath: path.join(dir, name), relativePath: name, format: 'parquet' }])

describe('Parquet reading', () => {
  it('takes column types from the Parquet schema, not from the values', async () => {
    const dir = await tempDir()
    parquetWriteFile({
      filename: path.join(dir, 'typed.parquet'),
      columnData: [
        { name: 'big', type: 'INT64', data: [1n, 2n, null] },
        { name: 'whole_doubles', type: 'DOUBLE', data: [1, 2, 3] },
        { name: 'digits_as_text', type: 'STRING', data: ['1', '2', '3'] },
        { name: 'flag', type: 'BOOLEAN', data: [true, null, false] },
        { name: 'at', type: 'TIMESTAMP', data: [new Date(0), new Date(1000), new Date(2000)] },
        { name: 'no_values', type: 'INT32', data: [null, null, null] },
      ],
    })

    const { schema, profile } = await profileParquet(dir, 'typed.parquet')

    expect(schema.columns).toEqual([
      { name: 'big', type: 'integer' },
      { name: 'whole_doubles', type: 'float' },
      { name: 'digits_as_text', type: 'string' },
      { name: 'flag', type: 'boolean' },
      { name: 'at', type: 'timestamp' },
      { name: 'no_values', type: 'integer' },
    ])
    expect(profile.columns[4].numeric).toMatchObject({ min: 0, max: 2000, mean: 1000 })
    expect(profile.columns[5]).toMatchObject({ count: 0, nullCount: 3, numeric: null, categories: null })
  })

  it('reads a file of many row groups', async () => {
    const dir = await tempDir()
    writeParquet(syntheticTable(2500, 4), path.join(dir, 'groups.parquet'), 100)

    const { profile } = await profileParquet(dir, 'groups.parquet')

    expect(profile.rowCount).toBe(2500)
    expect(profile.columns[0].numeric).toMatchObject({ min: 0, max: 2499 })
  })

  it.each([
    ['cut in half', (bytes: Buffer) => bytes.subarray(0, bytes.length >> 1)],
    ['missing its footer', (bytes: Buffer) => bytes.subarray(0, bytes.length - 8)],
    [
      'garbled in the middle',
      (bytes: Buffer) => Buffer.concat([bytes.subarray(0, 4), Buffer.alloc(bytes.length - 4, 7)]),
    ],
    ['not Parquet at all', () => Buffer.from('id,name\n1,x\n')],
  ])('refuses a file %s as not valid Parquet, naming it', async (_case, damage) => {
    const dir = await tempDir()
    writeParquet(syntheticTable(500, 5), path.join(dir, 'good.parquet'))
    await writeFile(path.join(dir, 'bad.parquet'), damage(await readFile(path.join(dir, 'good.parquet'))))

    await expect(profileParquet(dir, 'bad.parquet')).rejects.toThrow(
      expect.objectContaining({
        name: InvalidInputError.name,
        message: expect.stringMatching(/^not a valid Parquet file: bad\.parquet: /),
      }),
    )
  })
})
