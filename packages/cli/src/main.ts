#!/usr/bin/env node
import type { CliIo } from './cli-io.js'
import { createProgram, reportFailure } from './program.js'

const io: CliIo = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  onSignal: (signal, handler) => process.on(signal, handler),
  exit: (code) => process.exit(code),
}

// A reader that stops early (`provena runs list | head`, or `provena run … | head` while the
// command keeps running and logging) closes the pipe: later output is dropped instead of crashing.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
  })
}

try {
  await createProgram(io).parseAsync(process.argv)
} catch (error) {
  // exitCode rather than exit(), so output still being written to a pipe is not cut off.
  process.exitCode = reportFailure(error, io)
}
