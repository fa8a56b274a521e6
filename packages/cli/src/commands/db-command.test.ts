import { beforeAll, describe, expect, it } from 'vitest'
import { buildCli, runCli, tempDir } from '../test-support/cli-process.js'

beforeAll(buildCli)

describe('provena db migrate', () => {
  it('applies the migrations of a new database, then reports it already up to date', async () => {
    const dataDir = tempDir()

    const first = await runCli(['db', 'migrate', '--data-dir', dataDir])
    const second = await runCli(['db', 'migrate', '--data-dir', dataDir])

    expect(first).toEqual({ code: 0, stdout: expect.stringMatching(/^(Applied migration \S+\n)+$/), stderr: '' })
    expect(second).toEqual({ code: 0, stdout: 'Database is already up to date.\n', stderr: '' })
  })
})
