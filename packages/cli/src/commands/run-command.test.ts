import { createHash } from 'node:crypto'
import { chmodSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGitRepo, git, writeFiles } from '../../../sdk/src/test-support/git-repo.js'
import {
  buildCli,
  type CliServer,
  cleanEnv,
  spawnCli,
  startCliServer,
  stopCliServer,
  tempDir,
} from '../test-support/cli-process.js'
import { getJson, uniqueName } from '../test-support/seed.js'

// Every test spawns `provena run`, which spawns a child: they run one after another, with room to spare.
const TIMEOUT_MS = 120_000

const SECRET = 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY'
const TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'
const DB_PASSWORD = 'pw-very-secret-942'

let server: CliServer

beforeAll(async () => {
  await buildCli()
  server = await startCliServer(['--port', '0', '--data-dir', tempDir(), '--log-level', 'warn'])
}, TIMEOUT_MS)

afterAll(async () => stopCliServer(server))

interface StoredRun {
  id: string
  status: string
  params: Record<string, string>
  tags: Record<string, string>
  metrics: { key: string; value: number }[]
}

async function runOf(runId: string): Promise<StoredRun> {
  return ((await getJson(server.url, `/api/v1/runs/${runId}`)) as { run: StoredRun }).run
}

async function artifactText(runId: string, artifactPath: string): Promise<string> {
  const response = await fetch(`${server.url}/api/v1/runs/${runId}/artifacts/${artifactPath}`)
  if (!response.ok) throw new Error(`${artifactPath}: ${response.status}`)
  return response.text()
}

async function artifactPaths(runId: string, dir = ''): Promise<string[]> {
  const query = dir === '' ? '' : `?path=${encodeURIComponent(dir)}`
  const { entries } = (await getJson(server.url, `/api/v1/runs/${runId}/artifacts${query}`)) as {
    entries: { path: string; isDir: boolean }[]
  }
  const paths: string[] = []
  for (const entry of entries) paths.push(...(entry.isDir ? await artifactPaths(runId, entry.path) : [entry.path]))
  return paths
}

/** The run id `provena run` announced on stderr. */
function runIdIn(stderr: string): string {
  const id = /provena: run ([0-9a-f]{32}) /.exec(stderr)?.[1]
  if (id === undefined) throw new Error(`no run id in:\n${stderr}`)
  return id
}

/** `provena run <args> -- node -e <script>` in `cwd`. */
function provenaRun(cwd: string, args: string[], script: string, env: NodeJS.ProcessEnv = cleanEnv()) {
  return spawnCli(['run', '--url', server.url, ...args, '--', process.execPath, '-e', script], { cwd, env })
}

describe('provena run', () => {
  describe('a command that succeeds in a dirty checkout', () => {
    let repo: string
    let result: Awaited<ReturnType<typeof spawnCli>['exited']>
    let runId: string
    const experiment = uniqueName('run-ok')

    beforeAll(async () => {
      repo = createGitRepo({ 'train.js': 'console.log(1)\n', 'package-lock.json': '{"lockfileVersion":3}\n' })
      git(repo, 'remote', 'add', 'origin', `https://ci-bot:${TOKEN}@git.example.com/org/models.git`)
      mkdirSync(path.join(repo, 'data'))
      writeFiles(repo, {
        'train.js': 'console.log(2)\n',
        'requirements.txt': 'torch==2.5.1\n',
        'data/notes.md': 'untracked notes\n',
      })
      result = await provenaRun(
        repo,
        ['--experiment', experiment, '--name', 'ok', '--param', 'lr=0.1', '--tag', 'team=ml'],
        `console.log('hello out ' + process.env.PROVENA_RUN_ID); console.error('hello err ' + process.env.MLFLOW_RUN_ID + ' ' + process.env.MLFLOW_TRACKING_URI)`,
      ).exited
      runId = runIdIn(result.stderr)
    }, TIMEOUT_MS)

    it('exits 0, prints the output on the terminal and gives the child the run id and server', () => {
      expect(result.code).toBe(0)
      expect(result.stdout).toBe(`hello out ${runId}\n`)
      expect(result.stderr).toContain(`hello err ${runId} ${server.url}\n`)
    })

    it('ends the run FINISHED with its params and tags', async () => {
      const run = await runOf(runId)

      expect(run.status).toBe('FINISHED')
      expect(run.params).toEqual({ lr: '0.1' })
      expect(run.tags).toMatchObject({
        team: 'ml',
        'mlflow.source.git.commit': git(repo, 'rev-parse', 'HEAD').trim(),
        'mlflow.source.git.branch': 'main',
        'mlflow.source.git.repoURL': 'https://git.example.com/org/models.git',
        'mlflow.source.type': 'LOCAL',
        'provena.source.dirty': 'true',
        'provena.source.diff': 'provena/source.diff',
      })
    })

    it('stores the output as provena/output.log', async () => {
      const log = await artifactText(runId, 'provena/output.log')

      expect(log).toContain(`hello out ${runId}\n`)
      expect(log).toContain(`hello err ${runId} ${server.url}\n`)
    })

    it('stores the diff of tracked changes and untracked files', async () => {
      const diff = await artifactText(runId, 'provena/source.diff')

      expect(diff).toContain('+console.log(2)')
      expect(diff).toContain('+untracked notes')
      expect(diff).toContain('+torch==2.5.1')
    })

    it('records the digests of the lock files', async () => {
      const environment = JSON.parse(await artifactText(runId, 'provena/environment.json'))

      const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
      expect(environment.lockFiles).toEqual([
        { path: 'package-lock.json', sha256: sha256('{"lockfileVersion":3}\n'), sizeBytes: 22 },
        { path: 'requirements.txt', sha256: sha256('torch==2.5.1\n'), sizeBytes: 13 },
      ])
      expect(environment.command).toMatchObject({ argv: [process.execPath, '-e', expect.any(String)], cwdInRepo: '.' })
      expect(environment.launch).toEqual({ by: 'provena run', params: { lr: '0.1' }, tags: { team: 'ml' } })
    })

    it('never stores the remote credentials', async () => {
      const everything = JSON.stringify(await runOf(runId)) + (await artifactText(runId, 'provena/environment.json'))

      expect(everything).not.toContain(TOKEN)
      expect(everything).not.toContain('ci-bot')
    })
  })

  it(
    'lets a program using the SDK log into the run through PROVENA_RUN_ID and PROVENA_TRACKING_URI',
    async () => {
      const sdk = pathToFileURL(path.resolve(import.meta.dirname, '../../../sdk/dist/index.js')).href
      const script = `const { Provena } = await import('${sdk}')
        const run = await new Provena().attachRun(process.env.PROVENA_RUN_ID)
        await run.logParam('epochs', 3)
        run.logMetric('acc', 0.93, { step: 1 })
        await run.flush()`

      const result = await spawnCli(
        [
          'run',
          '--url',
          server.url,
          '--system-metrics-interval',
          '0',
          '--',
          process.execPath,
          '--input-type=module',
          '-e',
          script,
        ],
        { cwd: tempDir() },
      ).exited

      const run = await runOf(runIdIn(result.stderr))
      expect(result.code).toBe(0)
      expect(run).toMatchObject({ status: 'FINISHED', params: { epochs: '3' }, metrics: [{ key: 'acc', value: 0.93 }] })
    },
    TIMEOUT_MS,
  )

  it(
    'ends when the command exits, even if a process it left in the background keeps the output open',
    async () => {
      const script = `const bg = require('node:child_process').spawn('sleep', ['60'], { stdio: 'inherit', detached: true })
        bg.unref(); console.log('background ' + bg.pid)`

      const result = await provenaRun(tempDir(), ['--system-metrics-interval', '0'], script).exited

      const pid = Number(/background (\d+)/.exec(result.stdout)?.[1])
      expect(() => process.kill(pid, 0)).not.toThrow()
      process.kill(pid, 'SIGKILL')
      expect(result.code).toBe(0)
      expect(await artifactText(runIdIn(result.stderr), 'provena/output.log')).toBe(`background ${pid}\n`)
    },
    TIMEOUT_MS,
  )

  it(
    'exits with the code of a failing command and ends the run FAILED',
    async () => {
      const result = await provenaRun(createGitRepo(), [], 'process.exit(3)').exited

      expect(result.code).toBe(3)
      expect((await runOf(runIdIn(result.stderr))).status).toBe('FAILED')
    },
    TIMEOUT_MS,
  )

  it(
    'exits 128 + the signal number when the command is killed, and ends the run KILLED',
    async () => {
      const result = await provenaRun(createGitRepo(), [], "process.kill(process.pid, 'SIGKILL')").exited

      expect(result.code).toBe(137)
      expect((await runOf(runIdIn(result.stderr))).status).toBe('KILLED')
    },
    TIMEOUT_MS,
  )

  it(
    'passes SIGTERM on to the command and ends the run KILLED',
    async () => {
      const cli = provenaRun(createGitRepo(), [], "console.log('ready'); setInterval(() => {}, 1000)")
      while (!cli.stdout().includes('ready')) await sleep(50)

      cli.child.kill('SIGTERM')

      const result = await cli.exited
      expect(result.code).toBe(143)
      expect((await runOf(runIdIn(result.stderr))).status).toBe('KILLED')
    },
    TIMEOUT_MS,
  )

  it(
    'exits 127 and ends the run FAILED when the command does not exist',
    async () => {
      const result = await spawnCli(['run', '--url', server.url, '--', 'no-such-program-xyz'], { cwd: tempDir() })
        .exited

      expect(result.code).toBe(127)
      expect(result.stderr).toContain("cannot run 'no-such-program-xyz'")
      expect((await runOf(runIdIn(result.stderr))).status).toBe('FAILED')
    },
    TIMEOUT_MS,
  )

  it(
    'samples system metrics, GPU ones from nvidia-smi, under system/',
    async () => {
      const bin = tempDir()
      writeFiles(bin, { 'nvidia-smi': '#!/bin/sh\necho "0, 87, 10240"\n' })
      chmodSync(path.join(bin, 'nvidia-smi'), 0o755)
      const env = cleanEnv({ PATH: `${bin}:${process.env.PATH ?? ''}` })

      const result = await provenaRun(
        createGitRepo(),
        ['--system-metrics-interval', '0.5'],
        'const end = Date.now() + 2500; while (Date.now() < end) {}',
        env,
      ).exited

      const run = await runOf(runIdIn(result.stderr))
      const latest = Object.fromEntries(run.metrics.map((m) => [m.key, m.value]))
      expect(latest).toMatchObject({
        'system/gpu_0_utilization_percentage': 87,
        'system/gpu_0_memory_usage_megabytes': 10240,
      })
      expect(latest['system/process_rss_megabytes']).toBeGreaterThan(1)
      expect(latest['system/process_cpu_percentage']).toBeGreaterThan(10)
      expect(latest['system/cpu_utilization_percentage']).toBeGreaterThan(0)
      expect(latest['system/system_memory_usage_megabytes']).toBeGreaterThan(0)
    },
    TIMEOUT_MS,
  )

  it(
    'records no git state or environment with --no-capture',
    async () => {
      const result = await provenaRun(createGitRepo(), ['--no-capture', '--system-metrics-interval', '0'], '').exited

      const runId = runIdIn(result.stderr)
      expect(Object.keys((await runOf(runId)).tags)).toEqual([])
      expect(await artifactPaths(runId)).toEqual(['provena/output.log'])
    },
    TIMEOUT_MS,
  )

  it(
    'never writes a secret of the environment into a tag, param, metric or artifact',
    async () => {
      const repo = createGitRepo()
      // The secret also sits in an untracked file and in the command line.
      writeFiles(repo, { 'settings.txt': `aws=${SECRET}\n` })
      const env = cleanEnv({
        AWS_SECRET_ACCESS_KEY: SECRET,
        GITHUB_TOKEN: TOKEN,
        DATABASE_URL: `postgres://app:${DB_PASSWORD}@db.internal/prod`,
        PROVENA_CAPTURE_ENV: 'AWS_SECRET_ACCESS_KEY,DATABASE_URL',
      })
      const script = `console.log(process.env.AWS_SECRET_ACCESS_KEY); console.error('token=' + process.env.GITHUB_TOKEN + ' db=${DB_PASSWORD}')`

      const result = await spawnCli(
        ['run', '--url', server.url, '--', process.execPath, '-e', script, '--', '--password', SECRET],
        { cwd: repo, env },
      ).exited

      const runId = runIdIn(result.stderr)
      const run = await runOf(runId)
      const files = await artifactPaths(runId)
      expect(files.sort()).toEqual(['provena/environment.json', 'provena/output.log', 'provena/source.diff'])
      const stored = [JSON.stringify(run), ...(await Promise.all(files.map((f) => artifactText(runId, f))))].join('\n')
      for (const secret of [SECRET, TOKEN, DB_PASSWORD]) expect(stored).not.toContain(secret)
      expect(await artifactText(runId, 'provena/output.log')).toBe('[redacted]\ntoken=[redacted] db=[redacted]\n')
    },
    TIMEOUT_MS,
  )
})

describe('provena run with a command that logs through the mlflow client', () => {
  it(
    'lands the child’s params and metrics in the same run, through the MLflow API',
    async () => {
      // The npm `mlflow` client as published, found through this package's own dependency on it.
      const mlflowClient = pathToFileURL(createRequire(import.meta.url).resolve('mlflow')).href
      const script = `
        const { default: MLflow } = await import(${JSON.stringify(mlflowClient)})
        console.log = () => {} // the client prints every request body
        const client = new MLflow({ endpoint: process.env.MLFLOW_TRACKING_URI })
        const run_id = process.env.MLFLOW_RUN_ID
        await client.Runs.logParameter({ run_id, key: 'optimizer', value: 'adam' })
        await client.Runs.logMetric({ run_id, key: 'accuracy', value: 0.93, timestamp: Date.now(), step: 3 })
      `
      const result = await spawnCli(
        ['run', '--url', server.url, '--no-capture', '--', process.execPath, '--input-type=module', '-e', script],
        { cwd: tempDir(), env: cleanEnv() },
      ).exited

      expect(result.code).toBe(0)
      const run = await runOf(runIdIn(result.stderr))
      expect(run.status).toBe('FINISHED')
      expect(run.params).toEqual({ optimizer: 'adam' })
      expect(run.metrics).toContainEqual(expect.objectContaining({ key: 'accuracy', value: 0.93 }))
    },
    TIMEOUT_MS,
  )
})
