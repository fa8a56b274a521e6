import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..')
const TSC = path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc')
// Suites run in parallel and build in beforeAll; one lock for every package, because building
// the CLI also builds the server (a project reference), so no build rewrites dist/ files that
// another suite is already running.
const BUILD_LOCK = path.join(tmpdir(), 'provena-test-build.lock')
const STALE_LOCK_MS = 3 * 60_000

/** Builds `packages/<name>` (and what it references) with `tsc -b`, one build at a time. */
export async function buildWorkspacePackage(name: string): Promise<void> {
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
    // tsc reports compile errors on stdout, which an exec error message would leave out.
    const build = spawnSync(process.execPath, [TSC, '-b', `packages/${name}`], { cwd: REPO_ROOT, encoding: 'utf8' })
    if (build.status !== 0) throw new Error(`tsc -b packages/${name} failed:\n${build.stdout}${build.stderr}`)
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true })
  }
}
