#!/usr/bin/env node
// `npm start`: build what is missing or stale (tsc -b is incremental), then run
// `provena server` with any arguments given after `npm start --`.
import { spawn, spawnSync } from 'node:child_process'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')
const build = spawnSync(process.execPath, [tsc, '-b'], { cwd: root, stdio: 'inherit' })
if (build.status !== 0) process.exit(build.status ?? 1)

const cli = path.join(root, 'packages', 'cli', 'dist', 'main.js')
const server = spawn(process.execPath, [cli, 'server', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' })
// Pass stop signals on, so the server shuts down gracefully and its exit code becomes ours.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal))
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
