import type { Command } from 'commander'
import { CliError } from '../cli-error.js'
import type { CliIo } from '../cli-io.js'
import { addClientOptions, withClient } from '../client.js'
import { type ClientFlags, resolveMlflowCredentials } from '../config.js'
import { type ImportSummary, importFromMlflow } from '../mlflow-import/mlflow-importer.js'
import { openMlflowRestSource } from '../mlflow-import/mlflow-rest-source.js'
import type { MlflowSource } from '../mlflow-import/mlflow-source.js'
import { openMlrunsSource } from '../mlflow-import/mlruns-source.js'
import { formatBytes, formatJson } from '../output/format.js'
import { createProgress } from '../output/progress.js'
import { examples } from './help-text.js'

interface ImportFlags extends ClientFlags {
  from: string
  dryRun?: boolean
  json?: boolean
}

function summaryText(s: ImportSummary, isDryRun: boolean): string {
  const n = (count: number) => count.toLocaleString('en')
  const lines = [
    isDryRun ? 'Would import (dry run: the source was read and checked; Provena was not contacted):' : 'Imported:',
    `  experiments   ${n(s.experiments.created)} new, ${n(s.experiments.existing)} matched by name`,
    `  runs          ${n(s.runs.imported)} new, ${n(s.runs.unchanged)} already imported`,
    `  params        ${n(s.params)}`,
    `  tags          ${n(s.tags)}`,
    `  metric points ${n(s.metricPoints)}`,
    `  dataset inputs ${n(s.datasetInputs)}`,
    `  artifacts     ${n(s.artifacts.files)} files, ${formatBytes(s.artifacts.bytes)}`,
    `  models        ${n(s.models.created)} new, ${n(s.models.existing)} existing`,
    `  versions      ${n(s.versions.imported)} new (${n(s.stages)} with a stage), ${n(s.versions.unchanged)} already imported`,
    `  aliases       ${n(s.aliases.imported)} new, ${n(s.aliases.unchanged)} already set`,
  ]
  if (s.skipped.length > 0) lines.push(`Skipped (${s.skipped.length}):`, ...s.skipped.map((line) => `  ${line}`))
  if (s.failed.length > 0) {
    lines.push(`Failed (${s.failed.length}; nothing of these was stored, run the import again once fixed):`)
    lines.push(...s.failed.map((line) => `  ${line}`))
  }
  return `${lines.join('\n')}\n`
}

async function openSource(from: string, env: NodeJS.ProcessEnv | undefined): Promise<MlflowSource> {
  if (/^https?:\/\//i.test(from)) return openMlflowRestSource(from, resolveMlflowCredentials(env))
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(from) && !from.startsWith('file://')) {
    throw new CliError(`--from ${from}: give an http(s):// MLflow tracking URI or the path of an mlruns folder`)
  }
  return openMlrunsSource(from.startsWith('file://') ? new URL(from).pathname : from)
}

/** `provena import mlflow`. */
export function registerImportCommand(program: Command, io: CliIo): void {
  const importCommand = program
    .command('import')
    .description('admins: bring history from another tracker into Provena, keeping its ids and times')
  const mlflow = importCommand
    .command('mlflow')
    .description(
      'import experiments, runs (ids, names, statuses, times, users, parents), params, tags, every metric point, dataset inputs, artifacts, registered models, versions, stages and aliases from MLflow',
    )
    .requiredOption(
      '--from <uri-or-folder>',
      'an MLflow tracking URI (http:// or https://) or the path of an mlruns folder',
    )
    .option(
      '--dry-run',
      'read and check the whole source and count what it holds, without contacting Provena or writing anything',
    )
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `
Needs an admin (imports keep MLflow's run ids, times and users, which no other route allows).
Experiments are matched by name: MLflow's experiment ids are not kept, an experiment of the same
name in Provena receives the runs, and the summary says which were new. Run ids (32 hex) are kept.

Running the same import again imports nothing twice: what is there already with the same content
is counted as "already imported". Each run is imported in one transaction, so an import that
stopped half-way is finished by running it again. A run whose id exists with other content is
refused and listed under "Failed", with what differs; nothing of it is changed.

From a tracking server, MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME and
MLFLOW_TRACKING_PASSWORD are sent as MLflow clients send them. Artifacts are read through the
server's artifact proxy (mlflow-artifacts:/ URIs) or its get-artifact endpoint.
See docs/import-mlflow.md.
${examples(
  'provena import mlflow --from ./mlruns --dry-run',
  'provena import mlflow --from ./mlruns',
  'provena import mlflow --from http://mlflow.internal:5000 --url http://provena:5100 --token "$PROVENA_TOKEN"',
)}`,
    )
  addClientOptions(mlflow).action(async (options: ImportFlags) => {
    const source = await openSource(options.from, io.env)
    const run = (api: Parameters<typeof importFromMlflow>[1]) =>
      importFromMlflow(source, api, {
        isDryRun: !!options.dryRun,
        progress: (label) => createProgress(io.stderr, label),
      })
    const summary = options.dryRun
      ? await run(null)
      : await withClient(options, io.env, (client) => run(client.imports))
    io.stdout.write(options.json ? formatJson(summary) : summaryText(summary, !!options.dryRun))
    if (summary.failed.length > 0) {
      throw new CliError(`${summary.failed.length} item(s) could not be imported; see "Failed" above`)
    }
  })
}
