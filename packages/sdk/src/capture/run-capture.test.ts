import { createHash } from 'node:crypto'
import { rmSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Provena } from '../index.js'
import { createGitRepo, git, writeFiles } from '../test-support/git-repo.js'
import { listeningTestServer } from '../test-support/listening-test-server.js'

const SECRET = 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY'

describe('code and environment capture by startRun', () => {
  let server: Awaited<ReturnType<typeof listeningTestServer>>
  const warnings: string[] = []
  const client = () => new Provena({ url: server.url, onWarning: (m) => warnings.push(m) })
  beforeAll(async () => {
    server = await listeningTestServer()
  })
  afterAll(async () => server.close())

  async function text(provena: Provena, runId: string, artifactPath: string): Promise<string> {
    return new Response((await provena.artifacts.download(runId, artifactPath)).body).text()
  }

  it('tags the run with the git state and stores the environment and the diff', async () => {
    const repo = createGitRepo({ 'train.py': 'print(1)\n', 'requirements.txt': 'numpy==2.1.0\n' })
    git(repo, 'remote', 'add', 'origin', 'https://bot:ghp_abcdefghijklmnopqrstuvwxyz0123@github.com/org/repo.git')
    writeFiles(repo, { 'train.py': 'print(2)\n' })
    const provena = client()

    const run = await provena.startRun({
      experiment: 'capture-sdk',
      capture: { argv: ['python3', 'train.py', '--lr', '0.1'], cwd: repo },
    })

    const stored = await provena.runs.get(run.id)
    expect(stored.tags).toMatchObject({
      'mlflow.source.git.commit': git(repo, 'rev-parse', 'HEAD').trim(),
      'mlflow.source.git.branch': 'main',
      'mlflow.source.git.repoURL': 'https://github.com/org/repo.git',
      'mlflow.source.name': 'train.py',
      'mlflow.source.type': 'LOCAL',
      'provena.source.dirty': 'true',
      'provena.source.diff': 'provena/source.diff',
    })
    expect(await text(provena, run.id, 'provena/source.diff')).toContain('+print(2)')
    const environment = JSON.parse(await text(provena, run.id, 'provena/environment.json'))
    expect(environment).toMatchObject({
      format: 'provena-environment-v1',
      command: { argv: ['python3', 'train.py', '--lr', '0.1'], entryPoint: 'train.py', cwdInRepo: '.' },
      runtimes: { node: process.version },
      lockFiles: [
        {
          path: 'requirements.txt',
          sha256: createHash('sha256').update('numpy==2.1.0\n').digest('hex'),
          sizeBytes: 13,
        },
      ],
      warnings: [],
    })
    expect(environment.host.memoryBytes).toBeGreaterThan(0)
  })

  it('records nothing when capture is off in the options', async () => {
    const repo = createGitRepo()
    const provena = new Provena({ url: server.url, capture: false })

    const run = await provena.startRun({ experiment: 'capture-off', capture: { cwd: repo } })

    expect(Object.keys((await provena.runs.get(run.id)).tags)).toEqual([])
    expect(await provena.listArtifacts(run.id)).toEqual([])
  })

  it('keeps secret values of the environment out of tags and artifacts', async () => {
    const repo = createGitRepo()
    writeFiles(repo, { 'notes.txt': `key is ${SECRET}\n` })
    const provena = new Provena({ url: server.url, captureEnv: ['AWS_SECRET_ACCESS_KEY'] })
    process.env.AWS_SECRET_ACCESS_KEY = SECRET

    const run = await provena
      .startRun({
        experiment: 'capture-secrets',
        capture: { argv: ['node', 'train.js', '--token', SECRET, `--password=${SECRET}`], cwd: repo },
      })
      .finally(() => delete process.env.AWS_SECRET_ACCESS_KEY)

    const stored = await provena.runs.get(run.id)
    const everything = [
      JSON.stringify(stored),
      await text(provena, run.id, 'provena/environment.json'),
      await text(provena, run.id, 'provena/source.diff'),
    ].join('\n')
    expect(everything).not.toContain(SECRET)
    expect(everything).toContain('"--token",\n      "[redacted]"')
    expect(everything).toContain('"AWS_SECRET_ACCESS_KEY": "[redacted]"')
  })

  it('turns a capture failure into a warning tag and still creates the run', async () => {
    const repo = createGitRepo({ 'a.txt': 'a\n' })
    writeFiles(repo, { 'a.txt': 'b\n' })
    // A repository that lost the committed blob of a changed file: git diff fails.
    const blob = git(repo, 'rev-parse', 'HEAD:a.txt').trim()
    rmSync(path.join(repo, '.git', 'objects', blob.slice(0, 2), blob.slice(2)), { force: true })
    const provena = client()

    const run = await provena.startRun({ experiment: 'capture-broken', capture: { cwd: repo } })

    const stored = await provena.runs.get(run.id)
    expect(stored.status).toBe('RUNNING')
    expect(stored.tags['provena.capture.warning']).toMatch(/^git: git diff failed: fatal: unable to read /)
    expect(warnings.some((w) => w.startsWith('capture: git: '))).toBe(true)
  })
})
