#!/usr/bin/env node
// `npm start`: build what is missing or stale (tsc -b is incremental; the web UI is rebuilt when a
// source is newer than its build), then run `provena server` in this same process with any
// arguments given after `npm start --`.
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const root = path.resolve(import.meta.dirname, '..')
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')
const build = spawnSync(process.execPath, [tsc, '-b'], { cwd: root, stdio: 'inherit' })
if (build.status !== 0) process.exit(build.status ?? 1)

/** The newest modification time of the files under `target` (a file or a folder), 0 if absent. */
function newestMtimeMs(target) {
  const stat = statSync(target, { throwIfNoEntry: false })
  if (!stat) return 0
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(0, ...readdirSync(target).map((name) => newestMtimeMs(path.join(target, name))))
}

const web = path.join(root, 'packages', 'web')
const builtAt = newestMtimeMs(path.join(web, 'dist', 'app', 'index.html'))
const uiSources = [
  path.join(web, 'src'),
  path.join(web, 'public'),
  path.join(web, 'index.html'),
  path.join(web, 'vite.config.ts'),
  path.join(root, 'packages', 'sdk', 'src'),
  path.join(root, 'packages', 'contract', 'src'),
]
if (Math.max(...uiSources.map(newestMtimeMs)) > builtAt) {
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js')
  const ui = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: web, stdio: 'inherit' })
  if (ui.status !== 0) process.exit(ui.status ?? 1)
}

// npm 11 exits on SIGTERM without passing it on, which would orphan the server. So when our
// parent (npm) goes away, stop gracefully as if we had been sent SIGTERM ourselves.
const parentPid = process.ppid
setInterval(() => {
  if (process.ppid !== parentPid) process.kill(process.pid, 'SIGTERM')
}, 500).unref()

const cli = path.join(root, 'packages', 'cli', 'dist', 'main.js')
process.argv = [process.argv[0], cli, 'server', ...process.argv.slice(2)]
await import(pathToFileURL(cli).href)
