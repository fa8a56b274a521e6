import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { InvalidInputError } from '@provena/contract'
import { describe, expect, it } from 'vitest'
import { profileFiles } from './profile-files.js'
import { tempDir } from './test-support/synthetic-table.js'

async function profileText(content: string | Buffer, name = 'data.csv', format: 'csv' | 'tsv' = 'csv') {
  const dir = await tempDir()
  await writeFile(path.join(dir, name), content)
  return profileFiles([{ absolutePath: path.join(dir, name), relativePath: name, format }])
}

const invalidInput = (message: string) => expect.objectContaining({ name: InvalidInputError.name, message })

describe('CSV and TSV reading', () => {
  it('reads RFC 4180 quoting, CRLF line ends and a byte-order mark', async () => {
    const { schema, profile } = await profileText(
      '\uFEFFname,"note, quoted"\r\n"Smith, J.","said ""hi""\r\nand left"\r\nDoe,\r\n',
    )

    expect(schema.columns).toEqual([
      { name: 'name', type: 'string' },
      { name: 'note, quoted', type: 'string' },
    ])
    expect(profile.rowCount).toBe(2)
    expect(profile.columns[1]).toMatchObject({
      count: 1,
      nullCount: 1,
      categories: { values: [{ value: 'said "hi"\r\nand left', count: 1 }], otherCount: 0, isExact: true },
    })
  })

  it('reads TSV, skips blank lines and reads a last line without a line end', async () => {
    const { profile } = await profileText('a\tb\n1\tx\n\n2\ty', 'data.tsv', 'tsv')

    expect(profile.rowCount).toBe(2)
    expect(profile.columns.map((c) => [c.name, c.type, c.count])).toEqual([
      ['a', 'integer', 2],
      ['b', 'string', 2],
    ])
  })

  it('reads old Mac line ends (CR alone) and a last field left empty by a trailing delimiter', async () => {
    const { profile } = await profileText('a,b\r1,\r2,x\r')

    expect(profile.rowCount).toBe(2)
    expect(profile.columns.map((c) => [c.name, c.type, c.count, c.nullCount])).toEqual([
      ['a', 'integer', 2, 0],
      ['b', 'string', 1, 1],
    ])
  })

  it('treats an empty field, quoted or not, as null', async () => {
    const { profile } = await profileText('a,b\n,""\n1,2\n')

    expect(profile.columns.map((c) => [c.count, c.nullCount])).toEqual([
      [1, 1],
      [1, 1],
    ])
  })

  it('keeps a column named like SQL, quotes and all, untouched', async () => {
    const name = `x"; DROP TABLE y; --`
    const { schema } = await profileText(`"${name.replaceAll('"', '""')}",'o''k',名前\n1,2,3\n`)

    expect(schema.columns.map((c) => c.name)).toEqual([name, "'o''k'", '名前'])
  })

  it('refuses a ragged row, naming the file and the line', async () => {
    await expect(profileText('a,b,c\n1,2,3\n"multi\nline",5,6\n7,8\n')).rejects.toThrow(
      invalidInput('data.csv: line 5: 2 fields where the header has 3 (a ragged row)'),
    )
  })

  it('refuses a row with too many fields', async () => {
    await expect(profileText('a,b\n1,2,3\n')).rejects.toThrow(
      invalidInput('data.csv: line 2: 3 fields where the header has 2 (a ragged row)'),
    )
  })

  it('refuses a quoted field that is never closed', async () => {
    await expect(profileText('a,b\n1,"open\n2,3\n')).rejects.toThrow(
      invalidInput('data.csv: line 2: a quoted field is not closed'),
    )
  })

  it('refuses text after a closing quote', async () => {
    await expect(profileText('a,b\n"x"y,2\n')).rejects.toThrow(
      invalidInput(
        'data.csv: line 2: a character follows the closing quote of a field (quotes inside a field are written "")',
      ),
    )
  })

  it('refuses a header that names a column twice or leaves a name empty', async () => {
    await expect(profileText('a,b,a\n1,2,3\n')).rejects.toThrow(
      invalidInput('data.csv: line 1: the header names column "a" twice'),
    )
    await expect(profileText('a,,c\n1,2,3\n')).rejects.toThrow(
      invalidInput('data.csv: line 1: a column has an empty name'),
    )
  })

  it('refuses bytes that are not UTF-8, naming the byte offset', async () => {
    const latin1 = Buffer.concat([Buffer.from('city\nZ'), Buffer.from([0xfc]), Buffer.from('rich\n')])

    await expect(profileText(latin1)).rejects.toThrow(
      invalidInput('data.csv: not UTF-8 text: invalid byte sequence at byte offset 6'),
    )
  })

  it('refuses a multi-byte character cut off at the end of the file', async () => {
    await expect(profileText(Buffer.concat([Buffer.from('a\n1\n'), Buffer.from([0xe2, 0x82])]))).rejects.toThrow(
      invalidInput('data.csv: not UTF-8 text: invalid byte sequence at byte offset 4'),
    )
  })

  it('reads multi-byte characters and records that straddle the 1 MiB read chunks', async () => {
    const rows = Array.from({ length: 60_000 }, (_, i) => `${i},"€ ${i}\n✓"`)
    const { profile } = await profileText(`n,text\n${rows.join('\n')}\n`)

    expect(profile.rowCount).toBe(60_000)
    const text = profile.columns[1]
    expect(text).toMatchObject({ type: 'string', count: 60_000, isDistinctExact: false })
    expect(Math.abs(text.distinctCount - 60_000)).toBeLessThan(1800)
    expect(text.categories?.values.length).toBeGreaterThan(0)
    expect(text.categories?.values.every(({ value }) => /^€ \d+\n✓$/.test(value))).toBe(true)
    expect(profile.columns[0].numeric).toMatchObject({ min: 0, max: 59_999 })
  })

  it('reads every record of a file of many chunks, whichever character a chunk ends on', async () => {
    const rows = Array.from({ length: 150_000 }, (_, i) => `${i},${'x'.repeat(i % 17)},${i % 3 === 0 ? '' : i / 4}`)

    const { profile } = await profileText(`n,pad,q\r\n${rows.join('\r\n')}\r\n`)

    expect(profile.rowCount).toBe(150_000)
    expect(profile.columns[0].numeric).toMatchObject({ min: 0, max: 149_999, mean: 74_999.5 })
    expect(profile.columns[1].categories?.values.length).toBe(16)
    expect(profile.columns[2]).toMatchObject({ count: 100_000, nullCount: 50_000 })
  })

  it('counts a file with only a header as no rows, keeping its columns', async () => {
    const { schema, profile } = await profileText('a,b\r\n')

    expect(schema.columns).toEqual([
      { name: 'a', type: 'string' },
      { name: 'b', type: 'string' },
    ])
    expect(profile.rowCount).toBe(0)
    expect(profile.warnings).toEqual([])
  })
})
