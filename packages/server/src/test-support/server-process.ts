import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildWorkspacePackage } from './workspace-build.js'

const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..')
const REPLICA_SCRIPT = path.join(import.meta.dirname, 'replica-server.mjs')

/** Builds packages/server/dist, which the replica processes run. */
export function buildServer(): Promise<void> {
  return buildWorkspacePackage('server')
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
