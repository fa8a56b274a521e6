import { type ChildProcess, spawn } from 'node:child_process'
import { constants } from 'node:os'
import type { ActiveRun, EndStatus, Provena } from '@provena/sdk'
import { createSecretRedactor } from '@provena/sdk/capture'
import type { CliIo } from '../cli-io.js'
import { inheritedEnvironment } from '../config.js'
import { createOutputLog, OUTPUT_LOG_ARTIFACT } from './output-log.js'
import { startSystemMetrics } from './system-metrics.js'

/** What `provena run` (and `provena reproduce --execute`) runs and how the run is recorded. */
export interface TrackedCommand {
  command: string[]
  /** Where the command runs (default: the current directory). */
  cwd?: string
  experiment?: string | undefined
  name?: string | undefined
  params: Record<string, string>
  tags: Record<string, string>
  isCaptureEnabled: boolean
  /** 0 turns system metrics off. */
  systemMetricsIntervalMs: number
  /** Kept in `provena/environment.json` under `launch`, so `provena reproduce` can run it again. */
  launch: Record<string, unknown>
}

// Uploading the whole log again is cheap while it is small; past this size it is uploaded at the end only.
const PERIODIC_LOG_UPLOAD_MAX_BYTES = 16 * 1024 * 1024
const LOG_UPLOAD_INTERVAL_MS = 30_000

/** How the child ended: an exit code, a signal, or it never started. */
type ChildEnd = { code: number | null; signal: NodeJS.Signals | null } | { error: NodeJS.ErrnoException }

// After the command exits, its output is read until the pipes close; a background process it left
// behind may hold them open, so the wait for that is bounded.
const OUTPUT_DRAIN_MS = 5000

function waitForEnd(child: ChildProcess): Promise<ChildEnd> {
  return new Promise((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ error }))
    child.once('close', (code, signal) => resolve({ code, signal }))
    child.once('exit', (code, signal) => setTimeout(() => resolve({ code, signal }), OUTPUT_DRAIN_MS).unref())
  })
}

/** The run's status and the exit code `provena run` ends with (128 + the signal number when killed, as shells do). */
function outcomeOf(end: ChildEnd, wasInterrupted: boolean): { status: EndStatus; exitCode: number } {
  if ('error' in end) return { status: 'FAILED', exitCode: end.error.code === 'ENOENT' ? 127 : 126 }
  if (end.signal !== null) return { status: 'KILLED', exitCode: 128 + (constants.signals[end.signal] ?? 0) }
  const exitCode = end.code ?? 1
  if (exitCode === 0) return { status: 'FINISHED', exitCode }
  // A child that exits with an error after we passed it SIGINT/SIGTERM was stopped, not broken.
  return { status: wasInterrupted ? 'KILLED' : 'FAILED', exitCode }
}

function childEnvironment(
  io: CliIo,
  run: ActiveRun,
  connection: { url: string; token: string | undefined },
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...inheritedEnvironment(io.env),
    PROVENA_RUN_ID: run.id,
    PROVENA_TRACKING_URI: connection.url,
    // The mlflow client logs into the same run: it reads these, and its artifact URIs go through the server.
    MLFLOW_RUN_ID: run.id,
    MLFLOW_TRACKING_URI: connection.url,
    MLFLOW_EXPERIMENT_ID: run.experimentId,
  }
  // Python buffers stdout fully when it is a pipe; unbuffered, the log and the terminal see lines as they come.
  env.PYTHONUNBUFFERED ??= '1'
  if (connection.token !== undefined) {
    env.PROVENA_TOKEN = connection.token
    env.MLFLOW_TRACKING_TOKEN = connection.token
  }
  return env
}

/**
 * Creates a run (capturing code and environment), runs the command with the run's ids in its
 * environment, streams its output to the terminal and the `provena/output.log` artifact, samples
 * system metrics, passes SIGINT/SIGTERM on, and ends the run from the exit status. Returns the
 * exit code to end with.
 */
export async function runTracked(
  client: Provena,
  connection: { url: string; token: string | undefined },
  spec: TrackedCommand,
  io: CliIo,
): Promise<number> {
  const [program, ...args] = spec.command
  if (program === undefined) throw new Error('no command to run')
  const cwd = spec.cwd ?? process.cwd()
  const run = await client.startRun({
    experiment: spec.experiment,
    name: spec.name,
    params: spec.params,
    tags: spec.tags,
    capture: spec.isCaptureEnabled ? { argv: spec.command, cwd, launch: spec.launch } : false,
  })
  io.stderr.write(`provena: run ${run.id} (experiment ${run.experimentId}) started\n`)
  const env = childEnvironment(io, run, connection)
  const log = await createOutputLog(createSecretRedactor(env))
  // One upload at a time, so an older periodic upload cannot land after the final one.
  let uploading: Promise<void> = Promise.resolve()
  const uploadLog = () => {
    uploading = uploading.then(() =>
      log
        .upload((body) => client.artifacts.upload(run.id, OUTPUT_LOG_ARTIFACT, body))
        .catch((error: unknown) => {
          io.stderr.write(`provena: could not store ${OUTPUT_LOG_ARTIFACT}: ${(error as Error).message}\n`)
        }),
    )
    return uploading
  }

  const child = spawn(program, args, { cwd, stdio: ['inherit', 'pipe', 'pipe'], env })
  const ended = waitForEnd(child)
  child.stdout?.on('data', (chunk: Buffer) => io.stdout.write(log.write('stdout', chunk)))
  child.stderr?.on('data', (chunk: Buffer) => io.stderr.write(log.write('stderr', chunk)))

  let wasInterrupted = false
  const forward = (signal: 'SIGINT' | 'SIGTERM') => {
    wasInterrupted = true
    // Ctrl-C in a terminal reaches the whole foreground process group, the child included: sending
    // it again would interrupt the child's own clean-up.
    if (signal === 'SIGINT' && io.stdin.isTTY) return
    child.kill(signal)
  }
  io.onSignal('SIGINT', () => forward('SIGINT'))
  io.onSignal('SIGTERM', () => forward('SIGTERM'))

  const sampler =
    child.pid !== undefined && spec.systemMetricsIntervalMs > 0
      ? startSystemMetrics(child.pid, spec.systemMetricsIntervalMs, (sample, step) => {
          for (const [key, value] of Object.entries(sample)) run.logMetric(`system/${key}`, value, { step })
        })
      : undefined
  const logTimer = setInterval(() => {
    if (log.sizeBytes <= PERIODIC_LOG_UPLOAD_MAX_BYTES) void uploadLog()
  }, LOG_UPLOAD_INTERVAL_MS)

  const end = await ended
  // Our ends of the pipes, in case a background process still holds theirs: provena can then exit.
  child.stdout?.destroy()
  child.stderr?.destroy()
  clearInterval(logTimer)
  await sampler?.stop()
  if ('error' in end) io.stderr.write(`provena: cannot run '${program}': ${end.error.message}\n`)
  log.end()
  await uploadLog()
  await log.close()
  const { status, exitCode } = outcomeOf(end, wasInterrupted)
  try {
    await run.end(status)
    io.stderr.write(`provena: run ${run.id} ${status} (exit code ${exitCode})\n`)
  } catch (error) {
    io.stderr.write(`provena: could not end run ${run.id} as ${status}: ${(error as Error).message}\n`)
  }
  return exitCode
}
