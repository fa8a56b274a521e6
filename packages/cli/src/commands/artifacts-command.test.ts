import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCli, type CliServer, runCli, startCliServer, tempDir } from '../test-support/cli-process.js'
import { deleteOverApi, seedExperiment, seedRun, uniqueName } from '../test-support/seed.js'

let server: CliServer
let dataDir: string
const cli = (...args: string[]) => runCli([...args, '--url', server.url])
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

beforeAll(async () => {
  await buildCli()
  dataDir = tempDir()
  server = await startCliServer(['--port', '0', '--data-dir', dataDir, '--log-level', 'warn'])
})

afterAll(async () => {
  server.child.kill('SIGTERM')
  await server.exited
})

async function newRun(): Promise<string> {
  const experimentId = await seedExperiment(server.url, uniqueName('cli-artifacts'))
  return seedRun(server.url, { experimentId, name: 'run' })
}

function folder(files: Record<string, string>): string {
  const dir = tempDir()
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    writeFileSync(path.join(dir, name), text)
  }
  return dir
}

describe.concurrent('provena artifacts', () => {
  it('uploads a folder, lists it, and downloads it back', async () => {
    const runId = await newRun()
    const source = folder({ 'config.json': '{}', 'weights/w.bin': 'weights' })

    const upload = await cli('artifacts', 'upload', runId, source, 'model')
    const list = await cli('artifacts', 'ls', runId, 'model')
    const dest = tempDir()
    const download = await cli('artifacts', 'download', runId, 'model', '--dest', dest)

    expect([upload.code, upload.stdout]).toEqual([0, `Uploaded 2 files (9 B) to run ${runId}.\n`])
    expect(list.stdout.split('\n')[0]).toMatch(/^PATH\s+SIZE\s+SHA256$/)
    expect(list.stdout).toMatch(new RegExp(`config\\.json\\s+2 B\\s+${sha256('{}')}`))
    expect(list.stdout).toMatch(/weights\/\s+-\s+-/)
    expect(download.stdout).toBe(`Downloaded to ${path.join(dest, 'model')}\n`)
    expect(readFileSync(path.join(dest, 'model/weights/w.bin'), 'utf8')).toBe('weights')
  })

  it('lists recursively as JSON', async () => {
    const runId = await newRun()
    await cli('artifacts', 'upload', runId, folder({ 'a.txt': 'a', 'd/b.txt': 'bb' }))

    const result = await cli('artifacts', 'ls', runId, '-r', '--json')

    expect(JSON.parse(result.stdout)).toEqual([
      { name: 'a.txt', path: 'a.txt', isDir: false, sizeBytes: 1, sha256: sha256('a') },
      { name: 'b.txt', path: 'd/b.txt', isDir: false, sizeBytes: 2, sha256: sha256('bb') },
    ])
  })

  it('fails with a clear message for a bad artifact path and for a finished run', async () => {
    const runId = await newRun()
    const file = path.join(folder({ 'x.txt': 'x' }), 'x.txt')

    const traversal = await cli('artifacts', 'upload', runId, file, '../outside')
    await fetch(`${server.url}/api/v1/runs/${runId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'FINISHED' }),
    })
    const finished = await cli('artifacts', 'upload', runId, file)

    expect([traversal.code, traversal.stderr]).toEqual([
      1,
      `provena: invalid artifact path "../outside/x.txt": '..' segments are not allowed\n`,
    ])
    expect(finished.code).toBe(1)
    expect(finished.stderr).toMatch(/is FINISHED: its artifacts can no longer change/)
  })
})

describe('provena artifacts verify and provena gc', () => {
  it('reports an altered blob and exits 1', async () => {
    const runId = await newRun()
    await cli('artifacts', 'upload', runId, folder({ 'good.txt': 'good', 'bad.txt': 'will be altered' }))
    const digest = sha256('will be altered')
    writeFileSync(path.join(dataDir, 'artifacts/blobs', digest.slice(0, 2), digest.slice(2, 4), digest), 'altered!')

    const result = await cli('artifacts', 'verify', '--run', runId)

    expect(result.code).toBe(1)
    expect(result.stdout).toBe(
      `MISMATCH ${digest}: stored bytes hash to ${sha256('altered!')} (8 B)\n` +
        'FAILED: 2 blobs (19 B) checked, 1 altered, 0 missing\n',
    )
  })

  it('verifies intact blobs as JSON Lines', async () => {
    const runId = await newRun()
    await cli('artifacts', 'upload', runId, folder({ 'ok.txt': 'fine' }))

    const result = await cli('artifacts', 'verify', '--run', runId, '--json')

    expect([result.code, result.stdout]).toEqual([
      0,
      `${JSON.stringify({ type: 'summary', checkedBlobs: 1, checkedBytes: 4, mismatches: 0, missing: 0 })}\n`,
    ])
  })

  it('collects blobs no run refers to, after a dry run that removes nothing', async () => {
    const runId = await newRun()
    const text = `garbage ${uniqueName('gc')}`
    await cli('artifacts', 'upload', runId, folder({ 'g.txt': text }))
    await deleteOverApi(server.url, `/api/v1/runs/${runId}/artifacts/g.txt`)

    const dryRun = await cli('gc', '--dry-run', '--grace-minutes', '0', '--json')
    const gc = await cli('gc', '--grace-minutes', '0', '--json')
    const again = await cli('gc', '--grace-minutes', '0', '--json')

    expect(JSON.parse(dryRun.stdout)).toMatchObject({ dryRun: true, removedBlobs: 1, freedBytes: text.length })
    expect(JSON.parse(gc.stdout)).toMatchObject({ dryRun: false, removedBlobs: 1, freedBytes: text.length })
    expect(JSON.parse(again.stdout)).toMatchObject({ removedBlobs: 0 })
  })
})
