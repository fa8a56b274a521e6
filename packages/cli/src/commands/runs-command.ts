import { ViewType } from '@provena/contract'
import type { Provena } from '@provena/sdk'
import { type Command, Option } from 'commander'
import type { CliIo } from '../cli-io.js'
import { addClientOptions, withClient } from '../client.js'
import type { ClientFlags } from '../config.js'
import { formatJson } from '../output/format.js'
import { collectPages } from '../paging.js'
import { resolveExperimentId } from './experiment-ref.js'
import { examples } from './help-text.js'
import { collect, parsePositiveInt } from './option-parsers.js'
import { formatRunDetails, formatRunsTable, referencedColumns } from './runs-output.js'

interface ListOptions extends ClientFlags {
  experiment?: string[]
  filter?: string
  orderBy?: string[]
  maxResults: number
  view: ViewType
  json?: boolean
}

interface ShowOptions extends ClientFlags {
  json?: boolean
}

/** `provena runs list|show|delete|restore`. */
export function registerRunsCommand(program: Command, io: CliIo): void {
  const runs = program.command('runs').description('search, show, delete and restore runs on a running Provena server')
  registerList(runs, io)
  registerShow(runs, io)
  registerLifecycleChange(runs, io, 'delete')
  registerLifecycleChange(runs, io, 'restore')
}

function registerList(runs: Command, io: CliIo): void {
  const list = runs
    .command('list')
    .description('search the runs of one or more experiments, newest first unless --order-by says otherwise')
    .option(
      '--experiment <id-or-name>',
      'experiment id or name; repeat for several (default: 0, the Default experiment)',
      collect,
    )
    .option('--filter <expression>', 'MLflow search filter, e.g. "metrics.acc > 0.9 and params.lr = \'0.1\'"')
    .option('--order-by <clause>', 'sort key such as "metrics.acc DESC"; repeat for several', collect)
    .option('--max-results <n>', 'show at most this many runs', parsePositiveInt, 50)
    .addOption(new Option('--view <view>', 'which runs to show').choices(ViewType.options).default('active'))
    .option('--json', 'print a JSON array of run objects instead of a table')
    .addHelpText(
      'after',
      examples(
        'provena runs list --experiment resnet-sweep',
        `provena runs list --experiment 1 --experiment 2 --filter "metrics.acc > 0.9 and params.lr = '0.1'" --order-by "metrics.acc DESC"`,
        'provena runs list --view deleted --json',
      ),
    )
  addClientOptions(list).action((options: ListOptions) => listRuns(options, io))
}

async function listRuns(options: ListOptions, io: CliIo): Promise<void> {
  const { items, hasMore, experimentIds } = await withClient(options, io.env, (client) => searchRuns(client, options))
  if (options.json) return void io.stdout.write(formatJson(items))
  if (items.length === 0) return void io.stdout.write('No runs found.\n')
  const layout = {
    keyColumns: referencedColumns(options.filter ?? '', options.orderBy ?? []),
    isExperimentShown: experimentIds.length > 1,
    isLifecycleShown: options.view !== 'active',
  }
  io.stdout.write(formatRunsTable(items, layout, Date.now()))
  if (hasMore) io.stderr.write(`More runs match; showing the first ${items.length} (raise --max-results).\n`)
}

async function searchRuns(client: Provena, options: ListOptions) {
  const experimentIds = await Promise.all((options.experiment ?? ['0']).map((ref) => resolveExperimentId(client, ref)))
  const { filter, orderBy, view } = options
  const page = await collectPages(options.maxResults, async (maxResults, pageToken) => {
    const found = await client.runs.search({ experimentIds, filter, orderBy, view, maxResults, pageToken })
    return { items: found.runs, nextPageToken: found.nextPageToken }
  })
  return { ...page, experimentIds }
}

function registerShow(runs: Command, io: CliIo): void {
  const show = runs
    .command('show')
    .description("show one run: its overview, params, tags and each metric's latest value")
    .argument('<run-id>', 'the 32-character run id')
    .option('--json', 'print the run object as JSON')
    .addHelpText(
      'after',
      examples(
        'provena runs show 5f0c3d2e9a8b4c7d8e1f2a3b4c5d6e7f',
        'provena runs show 5f0c3d2e9a8b4c7d8e1f2a3b4c5d6e7f --json',
      ),
    )
  addClientOptions(show).action(async (runId: string, options: ShowOptions) => {
    const run = await withClient(options, io.env, (client) => client.runs.get(runId))
    io.stdout.write(options.json ? formatJson(run) : formatRunDetails(run, Date.now()))
  })
}

function registerLifecycleChange(runs: Command, io: CliIo, change: 'delete' | 'restore'): void {
  const description =
    change === 'delete' ? 'mark a run deleted; `runs restore` brings it back' : 'bring a deleted run back'
  const command = runs
    .command(change)
    .description(description)
    .argument('<run-id>', 'the 32-character run id')
    .addHelpText('after', examples(`provena runs ${change} 5f0c3d2e9a8b4c7d8e1f2a3b4c5d6e7f`))
  addClientOptions(command).action(async (runId: string, options: ClientFlags) => {
    await withClient(options, io.env, async (client) => {
      await (change === 'delete' ? client.runs.delete(runId) : client.runs.restore(runId))
    })
    io.stdout.write(`${change === 'delete' ? 'Deleted' : 'Restored'} run ${runId}.\n`)
  })
}
