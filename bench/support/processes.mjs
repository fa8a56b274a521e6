import { fork } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const SERVER_ENTRY = fileURLToPath(new URL('./server-process.mjs', import.meta.url))
const STUB_SERVER_ENTRY = fileURLToPath(new URL('./stub-server-process.mjs', import.meta.url))

/** Waits for the first IPC message of a forked child, failing if it exits first. */
export function firstMessage(child) {
  return new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`${child.spawnargs.join(' ')} exited with ${code} before answering`))
    child.once('exit', onExit)
    child.once('message', (message) => {
      child.off('exit', onExit)
      resolve(message)
    })
  })
}

/**
 * Starts a Provena server in a child process; `execArgv` lets a caller add e.g. --cpu-prof.
 * With `isStub`, the server leaves out the storing of metric batches (stub-server-process.mjs).
 * With `adminPassword`, access control is on and `admin` signs in with that password.
 */
export async function startServerProcess({
  dataDir,
  db,
  sqliteSynchronous = 'FULL',
  execArgv = [],
  isStub = false,
  adminPassword,
}) {
  const args = [dataDir, db, sqliteSynchronous, ...(adminPassword === undefined ? [] : [adminPassword])]
  const child = fork(isStub ? STUB_SERVER_ENTRY : SERVER_ENTRY, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv,
  })
  const { url } = await firstMessage(child)
  return {
    url,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.send('stop')
      await exited
    },
  }
}

/** A process's peak resident set size in bytes (VmHWM), or undefined once it is gone. */
export function peakRssBytes(pid) {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : undefined
  } catch {
    return undefined
  }
}

/** CPU time (user + system) a process has used so far, in seconds; undefined once it is gone. */
export function cpuSeconds(pid) {
  try {
    // Fields after the command name (which is in parentheses and may hold spaces); utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /s, '')
      .split(' ')
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND
  } catch {
    return undefined
  }
}

// USER_HZ is 100 on every Linux architecture Node supports.
const CLOCK_TICKS_PER_SECOND = 100
