import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { InvalidInputError } from '@provena/contract'
import { describe, expect, it } from 'vitest'
import { profileFiles } from './profile-files.js'
import { tempDir } from './test-support/synthetic-table.js'

async function profileJsonLines(content: string) {
  const dir = await tempDir()
  await writeFile(path.join(dir, 'rows.jsonl'), content)
  return profileFiles([{ absolutePath: path.join(dir, 'rows.jsonl'), relativePath: 'rows.jsonl', format: 'jsonl' }])
}

const invalidInput = (message: string) => expect.objectContaining({ name: InvalidInputError.name, message })

describe('JSON Lines reading', () => {
  it('takes top-level keys as columns, nested values as JSON text and strings through type inference', async () => {
    const { schema, profile } = await profileJsonLines(
      [
        '{"id": 1, "tags": ["a", "b"], "meta": {"k": 1}, "when": "2024-01-02", "n": "12", "ok": true}',
        '',
        '{"id": 2, "tags": [], "meta": null, "when": "2024-01-03T00:00:00Z", "n": "x", "ok": false}\r',
      ].join('\n'),
    )

    expect(schema.columns).toEqual([
      { name: 'id', type: 'integer' },
      { name: 'tags', type: 'string' },
      { name: 'meta', type: 'string' },
      { name: 'when', type: 'timestamp' },
      { name: 'n', type: 'string' },
      { name: 'ok', type: 'boolean' },
    ])
    expect(profile.rowCount).toBe(2)
    expect(profile.columns[1].categories?.values).toEqual([
      { value: '["a","b"]', count: 1 },
      { value: '[]', count: 1 },
    ])
    expect(profile.columns[2]).toMatchObject({ count: 1, nullCount: 1 })
    expect(profile.columns[4].typeCounts).toEqual({ integer: 1, string: 1 })
  })

  it('refuses a line that is not an object, naming the line', async () => {
    await expect(profileJsonLines('{"a": 1}\n[1, 2]\n')).rejects.toThrow(
      invalidInput('rows.jsonl: line 2: not a JSON object (each line must be one {…} object)'),
    )
  })

  it('refuses a line that is not JSON, naming the line', async () => {
    await expect(profileJsonLines('{"a": 1}\n\n{"a": \n')).rejects.toThrow(
      expect.objectContaining({
        name: InvalidInputError.name,
        message: expect.stringMatching(/^rows\.jsonl: line 3: not valid JSON \(/),
      }),
    )
  })

  it('keeps keys named like SQL or like object internals as ordinary columns', async () => {
    const { schema } = await profileJsonLines('{"__proto__": 1, "x\'; DROP TABLE t; --": 2, "constructor": 3}\n')

    expect(schema.columns.map((c) => c.name)).toEqual(['__proto__', "x'; DROP TABLE t; --", 'constructor'])
  })
})
