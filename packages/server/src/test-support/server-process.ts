import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..')
const TSC = path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc')
const REPLICA_SCRIPT = path.join(import.meta.dirname, 'replica-server.mjs')
// The CLI suites build the server too (it is a project reference of the CLI) and hold this lock
// while they do, so two builds never rewrite packages/server/dist at the same time.
const BUILD_LOCK = path.join(tmpdir(), 'provena-cli-test-build.lock')
const STALE_LOCK_MS = 3 * 60_000

/** Builds packages/server/dist, which the replica processes run. */
export async function buildServer(): Promise<void> {
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK)
      break
    } catch {
      const lockedAtMs = statSync(BUILD_LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()
      if (Date.now() - lockedAtMs > STALE_LOCK_MS) rmSync(BUILD_LOCK, { recursive: true, force: true })
      await sleep(200)
    }
  }
  try {
    const build = spawnSync(process.execPath, [TSC, '-b', 'packages/server'], { cwd: REPO_ROOT, encoding: 'utf8' })
    if (build.status !== 0) throw new Error(`tsc -b packages/server failed:\n${build.stdout}${build.stderr}`)
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true })
  }
}

export interface ServerProcess {
  url: string
  child: ChildProcess
  /** Stops the process gracefully and resolves once it has exited. */
  stop(): Promise<void>
}

/** Spawns a server replica with access control on over `databaseUrl`, and waits until it listens. */
export async function startServerProcess(databaseUrl: string, adminPassword: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, [REPLICA_SCRIPT, databaseUrl, adminPassword], { cwd: REPO_ROOT })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  const deadline = Date.now() + 30_000
  for (;;) {
    const url = /^listening (\S+)$/m.exec(output)?.[1]
    if (url) {
      return {
        url,
        child,
        async stop() {
          if (child.exitCode === null) child.kill('SIGTERM')
          await exited
        },
      }
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`the server process did not start:\n${output}`)
    }
    await sleep(50)
  }
}
