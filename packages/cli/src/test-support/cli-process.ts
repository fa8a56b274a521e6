import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildWorkspacePackage } from '../../../server/src/test-support/workspace-build.js'

const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..')
const CLI_MAIN = path.join(REPO_ROOT, 'packages/cli/dist/main.js')

/** Builds the CLI and what it references. */
export function buildCli(): Promise<void> {
  return buildWorkspacePackage('cli')
}

/**
 * The environment without PROVENA_* variables, so the developer's own settings cannot leak into a
 * test; credentials saved by `provena login` go to a new temp dir unless PROVENA_CONFIG_DIR is given.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PROVENA_')))
  return { ...env, PROVENA_CONFIG_DIR: tempDir(), ...extra }
}

interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `provena <args>` to completion; `input` is piped to its standard input, which then ends. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = cleanEnv(), input = ''): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI_MAIN, ...args], { cwd: REPO_ROOT, env }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null
      resolve({ code, stdout, stderr })
    })
    child.stdin?.end(input)
  })
}

export function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'provena-cli-test-'))
}

export interface CliServer {
  url: string
  child: ChildProcess
  /** The verifier key of the audit checkpoints, from the banner. */
  auditKey: string
  stdout(): string
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Spawns `provena server <args>` and waits for the whole banner. */
export async function startCliServer(args: string[], env: NodeJS.ProcessEnv = cleanEnv()): Promise<CliServer> {
  const child = spawn(process.execPath, [CLI_MAIN, 'server', ...args], { cwd: REPO_ROOT, env })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  )
  const deadline = Date.now() + 30_000
  for (;;) {
    const match = /^Provena server listening on (\S+)$/m.exec(stdout)
    const auditKey = /^ {2}audit: +verifier key (\S+)$/m.exec(stdout)?.[1]
    if (match && auditKey && stdout.includes('Press Ctrl+C')) {
      return { url: match[1]!, child, auditKey, stdout: () => stdout, exited }
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`provena server did not start:\n${stdout}\n${stderr}`)
    }
    await sleep(50)
  }
}

/** Stops a server started by startCliServer and waits until it has closed its database. */
export async function stopCliServer(server: CliServer): Promise<void> {
  server.child.kill('SIGTERM')
  await server.exited
}

/** A `provena <args>` process started in `cwd`, with its output collected as it comes. */
export interface SpawnedCli {
  child: ChildProcess
  stdout(): string
  stderr(): string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>
}

/** Starts `provena <args>` in `cwd` (e.g. a test's git repository) without waiting for it. */
export function spawnCli(
  args: string[],
  { cwd, env = cleanEnv() }: { cwd: string; env?: NodeJS.ProcessEnv },
): SpawnedCli {
  const child = spawn(process.execPath, [CLI_MAIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  )
  return { child, stdout: () => stdout, stderr: () => stderr, exited }
}
