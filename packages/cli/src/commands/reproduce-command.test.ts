import { realpathSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGitRepo, git, writeFiles } from '../../../sdk/src/test-support/git-repo.js'
import {
  buildCli,
  type CliServer,
  runCli,
  spawnCli,
  startCliServer,
  stopCliServer,
  tempDir,
} from '../test-support/cli-process.js'
import { getJson, uniqueName } from '../test-support/seed.js'

// Every test spawns the CLI (and some a child of it): they run one after another, with room to spare.
const TIMEOUT_MS = 120_000

let server: CliServer
let repo: string
let dataFile: string
let runId: string
let commit: string
const dataset = uniqueName('repro-data')

interface Report {
  matches: boolean
  differences: { kind: string; subject: string; message: string }[]
  steps: string[]
  command: { argv: string[]; cwd: string | null }
}

function reproduce(cwd: string, ...args: string[]) {
  return spawnCli(['reproduce', runId, '--url', server.url, ...args], { cwd }).exited
}

async function report(cwd: string): Promise<Report> {
  const result = await reproduce(cwd, '--json')
  return JSON.parse(result.stdout) as Report
}

/** A clone of the run's repository at the run's commit, without its uncommitted change. */
function cloneOfRepo(): string {
  const clone = realpathSync(tempDir())
  git(clone, 'clone', '--quiet', repo, '.')
  return clone
}

async function applyStoredDiff(clone: string): Promise<void> {
  const response = await fetch(`${server.url}/api/v1/runs/${runId}/artifacts/provena/source.diff`)
  writeFileSync(path.join(clone, '..', `${path.basename(clone)}.diff`), await response.text())
  git(clone, 'apply', path.join(clone, '..', `${path.basename(clone)}.diff`))
}

beforeAll(async () => {
  await buildCli()
  server = await startCliServer(['--port', '0', '--data-dir', tempDir(), '--log-level', 'warn'])
  dataFile = path.join(tempDir(), 'train.csv')
  writeFileSync(dataFile, 'x,y\n1,2\n3,4\n')
  const added = await runCli(['data', 'add', dataFile, '--name', dataset, '--url', server.url])
  if (added.code !== 0) throw new Error(added.stderr)
  repo = createGitRepo({ 'train.js': "console.log('v1')\n", 'requirements.txt': 'numpy==2.1.0\n' })
  commit = git(repo, 'rev-parse', 'HEAD').trim()
  writeFiles(repo, { 'train.js': "console.log('v2')\n" })
  const run = await spawnCli(['run', '--url', server.url, '--', process.execPath, 'train.js'], { cwd: repo }).exited
  runId = /provena: run ([0-9a-f]{32}) /.exec(run.stderr)?.[1] ?? ''
  const linked = await runCli(['data', 'log-input', runId, `${dataset}@1`, '--url', server.url])
  if (linked.code !== 0) throw new Error(linked.stderr)
}, TIMEOUT_MS)

afterAll(async () => stopCliServer(server))

describe('provena reproduce', () => {
  it(
    'finds no difference in a checkout at the same commit with the same uncommitted change, and prints the steps',
    async () => {
      const clone = cloneOfRepo()
      await applyStoredDiff(clone)

      const result = await reproduce(clone)

      expect(result.code).toBe(0)
      expect(result.stdout).toContain(`This checkout and the data match run ${runId}.`)
      expect(result.stdout).toContain(`git checkout ${commit}`)
      expect(result.stdout).toContain(`provena artifacts download ${runId} provena/source.diff`)
      expect(result.stdout).toContain(`${dataset}@1`)
      expect(result.stdout).toContain(`-- ${process.execPath} train.js`)
    },
    TIMEOUT_MS,
  )

  it(
    'reports that the recorded uncommitted change is not applied',
    async () => {
      const { matches, differences } = await report(cloneOfRepo())

      expect(matches).toBe(false)
      expect(differences).toEqual([
        {
          kind: 'diff',
          subject: 'uncommitted changes',
          recorded: expect.any(String),
          current: null,
          message: 'the run had uncommitted changes (provena/source.diff) that are not applied here',
        },
      ])
    },
    TIMEOUT_MS,
  )

  it(
    'reports uncommitted changes that differ from the recorded ones',
    async () => {
      const clone = cloneOfRepo()
      writeFiles(clone, { 'train.js': "console.log('v3')\n" })

      const { differences } = await report(clone)

      expect(differences.map((d) => [d.kind, d.message])).toEqual([
        ['diff', "the uncommitted changes differ from the run's (provena/source.diff)"],
      ])
    },
    TIMEOUT_MS,
  )

  it(
    'reports a different commit',
    async () => {
      const clone = cloneOfRepo()
      await applyStoredDiff(clone)
      git(clone, 'commit', '--quiet', '-am', 'v2')

      const { differences } = await report(clone)

      expect(differences.map((d) => d.kind)).toContain('commit')
      expect(differences.find((d) => d.kind === 'commit')?.message).toBe(
        `HEAD is ${git(clone, 'rev-parse', 'HEAD').trim()}, the run ran at ${commit}`,
      )
    },
    TIMEOUT_MS,
  )

  it(
    'reports a changed lock file',
    async () => {
      const clone = cloneOfRepo()
      await applyStoredDiff(clone)
      writeFiles(clone, { 'requirements.txt': 'numpy==2.2.0\n' })

      const { differences } = await report(clone)

      expect(differences.map((d) => [d.kind, d.subject, d.message])).toEqual([
        ['diff', 'uncommitted changes', "the uncommitted changes differ from the run's (provena/source.diff)"],
        ['lock-file', 'requirements.txt', 'requirements.txt has changed'],
      ])
    },
    TIMEOUT_MS,
  )

  it(
    'refuses to execute when the checkout differs',
    async () => {
      const result = await reproduce(cloneOfRepo(), '--execute')

      expect(result.code).toBe(1)
      expect(result.stderr).toContain('not executing: the checkout differs from the run')
    },
    TIMEOUT_MS,
  )

  it(
    'executes the command as a new run linked to the original in a matching checkout',
    async () => {
      const clone = cloneOfRepo()
      await applyStoredDiff(clone)

      const result = await reproduce(clone, '--execute', '--system-metrics-interval', '0')

      expect(result.code).toBe(0)
      expect(result.stdout).toContain('v2\n')
      const newRunId = [...result.stderr.matchAll(/provena: run ([0-9a-f]{32}) /g)][0]?.[1]
      const { run } = (await getJson(server.url, `/api/v1/runs/${newRunId}`)) as {
        run: { status: string; tags: Record<string, string> }
      }
      expect(run.status).toBe('FINISHED')
      expect(run.tags).toMatchObject({ 'provena.reproduces': runId, 'provena.source.dirty': 'true' })
    },
    TIMEOUT_MS,
  )

  it(
    'executes in a new worktree at the recorded commit with the recorded changes applied, leaving this checkout alone',
    async () => {
      const clone = cloneOfRepo()
      writeFiles(clone, { 'train.js': "console.log('v9')\n" })
      git(clone, 'commit', '--quiet', '-am', 'moved on')
      const worktree = path.join(realpathSync(tempDir()), 'repro')

      const result = await reproduce(clone, '--execute', '--checkout', worktree, '--system-metrics-interval', '0')

      expect(result.code).toBe(0)
      expect(result.stdout).toContain('v2\n')
      expect(git(worktree, 'rev-parse', 'HEAD').trim()).toBe(commit)
      expect(git(clone, 'status', '--porcelain')).toBe('')
      const newRunId = [...result.stderr.matchAll(/provena: run ([0-9a-f]{32}) /g)][0]?.[1]
      const { run } = (await getJson(server.url, `/api/v1/runs/${newRunId}`)) as {
        run: { status: string; tags: Record<string, string> }
      }
      expect(run.tags).toMatchObject({ 'provena.reproduces': runId, 'mlflow.source.git.commit': commit })
      expect(run.status).toBe('FINISHED')
    },
    TIMEOUT_MS,
  )

  it(
    'refuses --checkout into a directory that is not empty, and runs nothing',
    async () => {
      const clone = cloneOfRepo()
      const occupied = realpathSync(tempDir())
      writeFileSync(path.join(occupied, 'keep.txt'), 'mine\n')

      const result = await reproduce(clone, '--execute', '--checkout', occupied)

      expect(result.code).toBe(1)
      expect(result.stderr).toContain(`--checkout ${occupied}: the directory exists and is not empty`)
      expect(result.stderr).not.toMatch(/provena: run [0-9a-f]{32} /)
    },
    TIMEOUT_MS,
  )

  // Last: it changes the registered data file that the other tests rely on.
  it(
    'reports a changed input dataset',
    async () => {
      const clone = cloneOfRepo()
      await applyStoredDiff(clone)
      writeFileSync(dataFile, 'x,y\n1,2\n3,5\n')

      const result = await reproduce(clone, '--json')

      expect(result.code).toBe(1)
      const { differences } = JSON.parse(result.stdout) as Report
      expect(differences.map((d) => [d.kind, d.subject])).toEqual([['dataset', `${dataset}@1`]])
    },
    TIMEOUT_MS,
  )
})
