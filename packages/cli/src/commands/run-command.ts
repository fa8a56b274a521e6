import type { Command } from 'commander'
import { ExitStatus } from '../cli-error.js'
import type { CliIo } from '../cli-io.js'
import { addClientOptions, withClient } from '../client.js'
import { type ClientFlags, resolveClientConfig } from '../config.js'
import { examples } from './help-text.js'
import { collectTag, parseNonNegativeNumber } from './option-parsers.js'
import { runTracked } from './tracked-process.js'

interface RunFlags extends ClientFlags {
  experiment?: string
  name?: string
  param?: Record<string, string>
  tag?: Record<string, string>
  capture: boolean
  systemMetricsInterval: number
}

/** `provena run [options] -- <command...>`. */
export function registerRunCommand(program: Command, io: CliIo): void {
  const run = program
    .command('run')
    .description(
      'run a command as a tracked run: captures code and environment, streams and stores its output, samples system metrics',
    )
    .argument('<command...>', 'the command and its arguments, after `--`')
    .usage('[options] -- <command...>')
    .option(
      '--experiment <id-or-name>',
      'experiment id or name; a new name is created (default: 0, the Default experiment)',
    )
    .option('--name <name>', 'the run name')
    .option('--param <key=value>', 'a param of the run; repeat for several', collectTag)
    .option('--tag <key=value>', 'a tag of the run; repeat for several', collectTag)
    .option('--no-capture', 'do not record git state, diff and environment (also: PROVENA_CAPTURE=false)')
    .option(
      '--system-metrics-interval <seconds>',
      'seconds between samples of CPU, memory and GPU metrics (under system/); 0 turns them off',
      parseNonNegativeNumber,
      10,
    )
    .addHelpText(
      'after',
      `
The command gets PROVENA_RUN_ID, PROVENA_TRACKING_URI, MLFLOW_RUN_ID, MLFLOW_TRACKING_URI and
MLFLOW_EXPERIMENT_ID (and PROVENA_TOKEN / MLFLOW_TRACKING_TOKEN when a token is configured), so
the Provena SDK or the mlflow client inside it logs into the same run. Its stdout and stderr go
to the terminal and to the artifact provena/output.log (secret values of the environment
redacted). SIGINT and SIGTERM are passed on. The run ends FINISHED (exit code 0), FAILED
(another code) or KILLED (a signal); provena exits with the command's code (128 + signal number
when it was killed). Captured: docs/code-and-environment.md.
${examples(
  'provena run --experiment churn -- python train.py --epochs 3',
  'provena run --name baseline --param lr=0.01 --tag team=ml -- node train.js',
  'provena run --system-metrics-interval 2 -- ./train.sh',
)}`,
    )
  addClientOptions(run).action(async (command: string[], flags: RunFlags) => {
    const connection = resolveClientConfig(flags, io.env)
    const spec = {
      command,
      experiment: flags.experiment,
      name: flags.name,
      params: flags.param ?? {},
      tags: flags.tag ?? {},
      isCaptureEnabled: flags.capture,
      systemMetricsIntervalMs: Math.round(flags.systemMetricsInterval * 1000),
      launch: { by: 'provena run', params: flags.param ?? {}, tags: flags.tag ?? {} },
    }
    const exitCode = await withClient(flags, io.env, (client) => runTracked(client, connection, spec, io))
    if (exitCode !== 0) throw new ExitStatus(exitCode)
  })
}
