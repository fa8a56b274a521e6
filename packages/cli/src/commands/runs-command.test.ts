import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCli, type CliServer, runCli, startCliServer, tempDir } from '../test-support/cli-process.js'
import { deleteOverApi, getJson, seedExperiment, seedRun, uniqueName } from '../test-support/seed.js'

let server: CliServer
const cli = (...args: string[]) => runCli([...args, '--url', server.url])

beforeAll(async () => {
  await buildCli()
  server = await startCliServer(['--port', '0', '--data-dir', tempDir(), '--log-level', 'warn'])
})

afterAll(async () => {
  server.child.kill('SIGTERM')
  await server.exited
})

/** An experiment with three runs: lr 0.1/0.2/0.3 with acc 0.8/0.95/0.9. */
async function seedSweep() {
  const name = uniqueName('sweep')
  const experimentId = await seedExperiment(server.url, name)
  const runIds: string[] = []
  for (const [lr, acc] of [
    ['0.1', 0.8],
    ['0.2', 0.95],
    ['0.3', 0.9],
  ] as const) {
    runIds.push(
      await seedRun(server.url, { experimentId, name: `lr-${lr}`, params: { lr }, metrics: { acc, loss: 'NaN' } }),
    )
  }
  return { name, experimentId, runIds }
}

const idsOf = (stdout: string) => (JSON.parse(stdout) as { id: string }[]).map((run) => run.id)

describe.concurrent('provena runs list', () => {
  it('lists the runs of an experiment named by name as a table, newest first', async () => {
    const { name, runIds } = await seedSweep()

    const result = await cli('runs', 'list', '--experiment', name)

    expect(result.code).toBe(0)
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^RUN ID\s+NAME\s+STATUS\s+STARTED\s+DURATION\s+METRICS$/)
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual([...runIds].reverse())
    expect(lines[1]).toMatch(/lr-0\.3\s+RUNNING\s+.*acc=0\.9, loss=NaN$/)
  })

  it('selects with --filter and sorts with --order-by, as JSON', async () => {
    const { experimentId, runIds } = await seedSweep()

    const result = await cli(
      'runs',
      'list',
      '--experiment',
      experimentId,
      '--filter',
      'metrics.acc > 0.85',
      '--order-by',
      'metrics.acc DESC',
      '--json',
    )

    expect(result.code).toBe(0)
    expect(idsOf(result.stdout)).toEqual([runIds[1], runIds[2]])
  })

  it('gives the filtered and sorted keys their own table columns', async () => {
    const { experimentId } = await seedSweep()

    const result = await cli(
      'runs',
      'list',
      '--experiment',
      experimentId,
      '--filter',
      "params.lr = '0.2'",
      '--order-by',
      'metrics.acc DESC',
    )

    const [header, row] = result.stdout.split('\n')
    expect(header).toMatch(/DURATION\s+metrics\.acc\s+params\.lr$/)
    expect(row).toMatch(/lr-0\.2 .*\s0\.95\s+0\.2$/)
  })

  it('stops at --max-results and says on stderr that more runs match', async () => {
    const { experimentId, runIds } = await seedSweep()

    const result = await cli('runs', 'list', '--experiment', experimentId, '--max-results', '2')

    const rows = result.stdout.trimEnd().split('\n').slice(1)
    expect(rows.map((row) => row.split(' ')[0])).toEqual([runIds[2], runIds[1]])
    expect(result.stderr).toBe('More runs match; showing the first 2 (raise --max-results).\n')
  })

  it('exits 1 with the server message, which names the column, for a filter syntax error', async () => {
    const { experimentId } = await seedSweep()

    const result = await cli('runs', 'list', '--experiment', experimentId, '--filter', 'metrics.acc >> 1')

    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^provena: .*column/)
  })
})

describe.concurrent('provena runs show', () => {
  it('shows the overview, params, tags and latest metrics of a run', async () => {
    const { experimentId, runIds } = await seedSweep()

    const result = await cli('runs', 'show', runIds[1] ?? '')

    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      new RegExp(`^run id\\s+${runIds[1]}\nname\\s+lr-0\\.2\nexperiment\\s+${experimentId}\nstatus\\s+RUNNING\n`),
    )
    expect(result.stdout).toMatch(/\nParams\nKEY\s+VALUE\nlr\s+0\.2\n\nTags\n\(none\)\n/)
    expect(result.stdout).toMatch(
      /\nMetrics \(latest value\)\nKEY\s+VALUE\s+STEP\s+LOGGED\nacc\s+0\.95\s+1\s+\S+ \S+\nloss\s+NaN\s+1\s/,
    )
  })

  it('prints the run as JSON, with NaN in its wire form', async () => {
    const { experimentId, runIds } = await seedSweep()

    const result = await cli('runs', 'show', runIds[0] ?? '', '--json')

    expect(JSON.parse(result.stdout)).toEqual({
      id: runIds[0],
      experimentId,
      name: 'lr-0.1',
      status: 'RUNNING',
      startTimeMs: expect.any(Number),
      endTimeMs: null,
      userId: expect.any(String),
      parentRunId: null,
      lifecycle: 'active',
      params: { lr: '0.1' },
      tags: {},
      metrics: [
        { key: 'acc', value: 0.8, step: 1, timestampMs: expect.any(Number) },
        { key: 'loss', value: 'NaN', step: 1, timestampMs: expect.any(Number) },
      ],
    })
  })

  it('exits 1 for a run that does not exist', async () => {
    const result = await cli('runs', 'show', '0123456789abcdef0123456789abcdef')

    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^provena: .*not found/)
  })
})

describe.concurrent('provena runs delete and restore', () => {
  it('deletes a run, which then lists only in the deleted view', async () => {
    const { experimentId, runIds } = await seedSweep()

    const deleted = await cli('runs', 'delete', runIds[0] ?? '')

    expect(deleted).toEqual({ code: 0, stdout: `Deleted run ${runIds[0]}.\n`, stderr: '' })
    const gone = idsOf((await cli('runs', 'list', '--experiment', experimentId, '--view', 'deleted', '--json')).stdout)
    expect(gone).toEqual([runIds[0]])
  })

  it('restores a deleted run', async () => {
    const { runIds } = await seedSweep()
    const runId = runIds[0] ?? ''
    await deleteOverApi(server.url, `/api/v1/runs/${runId}`)

    const restored = await cli('runs', 'restore', runId)

    expect(restored).toEqual({ code: 0, stdout: `Restored run ${runId}.\n`, stderr: '' })
    expect(await getJson(server.url, `/api/v1/runs/${runId}`)).toMatchObject({ run: { lifecycle: 'active' } })
  })
})
