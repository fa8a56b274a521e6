import { CAPTURE_TAGS, type GitState, SOURCE_DIFF_ARTIFACT } from '@provena/sdk/capture'
import type { Command } from 'commander'
import { CliError, ExitStatus } from '../cli-error.js'
import type { CliIo } from '../cli-io.js'
import { addClientOptions, withClient } from '../client.js'
import { type ClientFlags, resolveClientConfig } from '../config.js'
import { formatJson } from '../output/format.js'
import { examples } from './help-text.js'
import { parseNonNegativeNumber } from './option-parsers.js'
import {
  findDifferences,
  type RecordedRun,
  type ReproduceDifference,
  readRecordedRun,
  workingDirectoryOf,
} from './reproduce-check.js'
import { checkOutRecordedState } from './reproduce-checkout.js'
import { runTracked } from './tracked-process.js'

interface ReproduceFlags extends ClientFlags {
  execute?: boolean
  allowDirty?: boolean
  allowDataChanges?: boolean
  checkout?: string
  json?: boolean
  systemMetricsInterval: number
}

/** The tag that links a reproduction to the run it reproduces. */
const REPRODUCES_TAG = 'provena.reproduces'

/** `provena reproduce <run-id>`. */
export function registerReproduceCommand(program: Command, io: CliIo): void {
  const reproduce = program
    .command('reproduce')
    .description(
      "compare this checkout and the run's data with what a run recorded, print the steps to reproduce it, and with --execute run it again",
    )
    .argument('<run-id>', 'the run to reproduce')
    .option('--execute', 'run the recorded command as a new run (tag provena.reproduces=<run-id>), like `provena run`')
    .option('--allow-dirty', 'with --execute: run even when the commit or the uncommitted changes differ')
    .option(
      '--checkout <dir>',
      "with --execute: make <dir> a new git worktree of this repository at the run's commit, apply the run's recorded uncommitted changes there, and run in it (this checkout is left as it is)",
    )
    .option('--allow-data-changes', "with --execute: run even when an input dataset's digest differs")
    .option(
      '--system-metrics-interval <seconds>',
      'with --execute: seconds between system metric samples; 0 turns them off',
      parseNonNegativeNumber,
      10,
    )
    .option('--json', 'print {runId, matches, differences, steps, command} as JSON')
    .addHelpText(
      'after',
      `
Checks: the git remote, commit and uncommitted changes (against provena/source.diff), the lock
files recorded in provena/environment.json, and every input dataset's digest, re-hashed where it
was registered from. Exits 1 when anything differs (after printing the steps). --execute runs
the command in the recorded working directory of this checkout; it refuses when the checkout or
the data differ unless --allow-dirty / --allow-data-changes. With --checkout <dir> it first makes
<dir> a git worktree at the run's commit with its recorded uncommitted changes applied, and runs
there instead (the commit must be in this repository: git fetch it first).
${examples(
  'provena reproduce 5f0c3d2e9a8b4c7d8e1f2a3b4c5d6e7f',
  'provena reproduce 5f0c3d2e9a8b4c7d8e1f2a3b4c5d6e7f --json',
  'provena reproduce 5f0c3d2e9a8b4c7d8e1f2a3b4c5d6e7f --execute',
  'provena reproduce 5f0c3d2e9a8b4c7d8e1f2a3b4c5d6e7f --execute --checkout ../repro-5f0c',
)}`,
    )
  addClientOptions(reproduce).action((runId: string, flags: ReproduceFlags) => reproduceRun(runId, flags, io))
}

const SAFE_WORD = /^[\w@%+=:,./-]+$/

/** A word as a POSIX shell reads it back. */
function shellQuote(word: string): string {
  return SAFE_WORD.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`
}

function commandOf(recorded: RecordedRun): string[] {
  return recorded.environment?.command.argv ?? []
}

function launchParams(recorded: RecordedRun): Record<string, string> {
  const params = recorded.environment?.launch?.params
  return params && typeof params === 'object' ? (params as Record<string, string>) : {}
}

/** The steps that bring a checkout to the run's state and run it again, as commands to type. */
function reproductionSteps(recorded: RecordedRun): string[] {
  const { run, environment } = recorded
  const steps: string[] = []
  const repoUrl = run.tags[CAPTURE_TAGS.repoUrl]
  const commit = run.tags[CAPTURE_TAGS.commit] ?? environment?.code?.commit
  if (repoUrl) steps.push(`git clone ${shellQuote(repoUrl)} && cd into it (or use an existing checkout)`)
  if (commit) steps.push(`git checkout ${commit}`)
  if (run.tags[CAPTURE_TAGS.diff]) {
    const note = environment?.code?.diff?.isTruncated
      ? '  # the stored diff was truncated: it will not apply whole'
      : ''
    steps.push(
      `provena artifacts download ${run.id} ${SOURCE_DIFF_ARTIFACT} --dest .provena-reproduce && git apply .provena-reproduce/${SOURCE_DIFF_ARTIFACT}${note}`,
    )
  }
  for (const { datasetVersion: v, context } of recorded.inputs) {
    steps.push(
      `data (${context ?? 'input'}): ${v.datasetName}@${v.version} digest ${v.digest} from ${v.source}; check with: provena data verify ${v.datasetName}@${v.version}`,
    )
  }
  const cwd = environment?.command.cwdInRepo
  if (cwd && cwd !== '.') steps.push(`cd ${shellQuote(cwd)}`)
  const argv = commandOf(recorded)
  const paramFlags = Object.entries(launchParams(recorded)).map(([k, v]) => `--param ${shellQuote(`${k}=${v}`)}`)
  if (argv.length > 0) {
    steps.push(
      [
        'provena run',
        `--experiment ${run.experimentId}`,
        ...paramFlags,
        `--tag ${REPRODUCES_TAG}=${run.id}`,
        '--',
        ...argv.map(shellQuote),
      ].join(' '),
    )
  } else steps.push('the command was not recorded (no provena/environment.json): run the program that made the run')
  const params = Object.entries(run.params)
  if (params.length > 0) steps.push(`the run's params: ${params.map(([k, v]) => `${k}=${v}`).join(', ')}`)
  return steps
}

function formatReport(runId: string, differences: ReproduceDifference[], steps: string[]): string {
  const lines = [
    differences.length === 0
      ? `This checkout and the data match run ${runId}.`
      : `${differences.length} difference(s) from run ${runId}:`,
    ...differences.map((d) => `  ${d.kind.toUpperCase().padEnd(10)} ${d.subject}: ${d.message}`),
    '',
    'Steps to reproduce:',
    ...steps.map((step, i) => `  ${i + 1}. ${step}`),
  ]
  return `${lines.join('\n')}\n`
}

const CODE_KINDS = new Set<ReproduceDifference['kind']>(['repository', 'checkout', 'commit', 'diff'])

function refusal(differences: ReproduceDifference[], recorded: RecordedRun, flags: ReproduceFlags): string | undefined {
  const argv = commandOf(recorded)
  if (argv.length === 0) return 'the run did not record its command (no provena/environment.json)'
  if (argv.includes('[redacted]')) return 'the recorded command has redacted (secret) arguments'
  if (!flags.allowDirty && flags.checkout === undefined && differences.some((d) => CODE_KINDS.has(d.kind))) {
    return 'the checkout differs from the run (see above); pass --checkout <dir> to run in a worktree of the recorded state, or --allow-dirty'
  }
  if (!flags.allowDataChanges && differences.some((d) => d.kind === 'dataset')) {
    return 'an input dataset differs from the run (see above); restore it or pass --allow-data-changes'
  }
  return undefined
}

async function reproduceRun(runId: string, flags: ReproduceFlags, io: CliIo): Promise<void> {
  const connection = resolveClientConfig(flags, io.env)
  const exitCode = await withClient(flags, io.env, async (client) => {
    const recorded = await readRecordedRun(client, runId)
    const { differences, current } = await findDifferences(recorded, io)
    const steps = reproductionSteps(recorded)
    const command = { argv: commandOf(recorded), cwd: recorded.environment?.command.cwdInRepo ?? null }
    if (flags.json) {
      const report = {
        runId,
        matches: differences.length === 0,
        differences,
        steps,
        command,
        params: recorded.run.params,
      }
      io.stdout.write(formatJson(report))
    } else io.stdout.write(formatReport(runId, differences, steps))
    if (!flags.execute) return differences.length === 0 ? 0 : 1
    const refused = refusal(differences, recorded, flags)
    if (refused !== undefined) throw new CliError(`not executing: ${refused}`)
    return execute(client, connection, recorded, current, flags, io)
  })
  if (exitCode !== 0) throw new ExitStatus(exitCode)
}

function execute(
  client: Parameters<typeof runTracked>[0],
  connection: Parameters<typeof runTracked>[1],
  recorded: RecordedRun,
  current: GitState | undefined,
  flags: ReproduceFlags,
  io: CliIo,
): Promise<number> {
  const { run } = recorded
  const params = launchParams(recorded)
  let cwd = workingDirectoryOf(recorded, current)
  if (flags.checkout !== undefined) {
    cwd = checkOutRecordedState(recorded, current, flags.checkout)
    io.stderr.write(
      `provena: checked out run ${run.id}'s code in ${flags.checkout} (git worktree remove it when done)\n`,
    )
  }
  return runTracked(
    client,
    connection,
    {
      command: commandOf(recorded),
      cwd,
      experiment: run.experimentId,
      name: `${run.name} (reproduction)`.slice(0, 500),
      params,
      tags: { [REPRODUCES_TAG]: run.id },
      isCaptureEnabled: true,
      systemMetricsIntervalMs: Math.round(flags.systemMetricsInterval * 1000),
      launch: { by: 'provena reproduce', reproduces: run.id, params },
    },
    io,
  )
}
