import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..')
const WEB = path.join(REPO_ROOT, 'packages/web')
const VITE = path.join(REPO_ROOT, 'node_modules/vite/bin/vite.js')
// Browser suites run in parallel; one builds, the others wait and find the build fresh.
const BUILD_LOCK = path.join(tmpdir(), 'provena-test-web-build.lock')
const STALE_LOCK_MS = 3 * 60_000

function newestMtimeMs(target: string): number {
  const stat = statSync(target, { throwIfNoEntry: false })
  if (!stat) return 0
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(0, ...readdirSync(target).map((name) => newestMtimeMs(path.join(target, name))))
}

function isBuildFresh(): boolean {
  const builtAt = newestMtimeMs(path.join(WEB, 'dist/app/index.html'))
  const sources = ['src', 'public', 'index.html', 'vite.config.ts'].map((p) => path.join(WEB, p))
  sources.push(path.join(REPO_ROOT, 'packages/sdk/src'), path.join(REPO_ROOT, 'packages/contract/src'))
  return builtAt > Math.max(...sources.map(newestMtimeMs))
}

/** Builds packages/web/dist/app with Vite unless it is newer than every source, one build at a time. */
export async function buildWebUi(): Promise<void> {
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
    if (isBuildFresh()) return
    const build = spawnSync(process.execPath, [VITE, 'build', '--logLevel', 'warn'], { cwd: WEB, encoding: 'utf8' })
    if (build.status !== 0) throw new Error(`vite build of packages/web failed:\n${build.stdout}${build.stderr}`)
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true })
  }
}
