#!/usr/bin/env node
// `npm start`: build what is missing or stale (tsc -b is incremental), then run
// `provena server` in this same process with any arguments given after `npm start --`.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const root = path.resolve(import.meta.dirname, '..')
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')
const build = spawnSync(process.execPath, [tsc, '-b'], { cwd: root, stdio: 'inherit' })
if (build.status !== 0) process.exit(build.status ?? 1)

// npm 11 exits on SIGTERM without passing it on, which would orphan the server. So when our
// parent (npm) goes away, stop gracefully as if we had been sent SIGTERM ourselves.
const parentPid = process.ppid
setInterval(() => {
  if (process.ppid !== parentPid) process.kill(process.pid, 'SIGTERM')
}, 500).unref()

const cli = path.join(root, 'packages', 'cli', 'dist', 'main.js')
process.argv = [process.argv[0], cli, 'server', ...process.argv.slice(2)]
await import(pathToFileURL(cli).href)
