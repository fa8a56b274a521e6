import { type Experiment, ViewType } from '@provena/contract'
import { type Command, Option } from 'commander'
import type { CliIo } from '../cli-io.js'
import { addClientOptions, withClient } from '../client.js'
import type { ClientFlags } from '../config.js'
import { formatJson, formatPairs, formatTimestamp } from '../output/format.js'
import { type Column, formatTable } from '../output/table.js'
import { collectPages } from '../paging.js'
import { findExperiment } from './experiment-ref.js'
import { examples } from './help-text.js'
import { collectTag, parsePositiveInt } from './option-parsers.js'

interface ListOptions extends ClientFlags {
  view: ViewType
  nameLike?: string
  maxResults: number
  json?: boolean
}

interface CreateOptions extends ClientFlags {
  description?: string
  tag?: Record<string, string>
  json?: boolean
}

/** `provena experiments list|create|delete|restore`. */
export function registerExperimentsCommand(program: Command, io: CliIo): void {
  const experiments = program
    .command('experiments')
    .description('list, create, delete and restore experiments on a running Provena server')
  registerList(experiments, io)
  registerCreate(experiments, io)
  registerLifecycleChange(experiments, io, 'delete')
  registerLifecycleChange(experiments, io, 'restore')
}

function registerList(experiments: Command, io: CliIo): void {
  const list = experiments
    .command('list')
    .description('list experiments, in the order they were created')
    .addOption(new Option('--view <view>', 'which experiments to show').choices(ViewType.options).default('active'))
    .option('--name-like <pattern>', "only names matching this SQL LIKE pattern (% matches any text), e.g. '%resnet%'")
    .option('--max-results <n>', 'show at most this many experiments', parsePositiveInt, 100)
    .option('--json', 'print a JSON array of experiment objects instead of a table')
    .addHelpText(
      'after',
      examples('provena experiments list', "provena experiments list --view all --name-like 'resnet%' --json"),
    )
  addClientOptions(list).action((options: ListOptions) => listExperiments(options, io))
}

async function listExperiments(options: ListOptions, io: CliIo): Promise<void> {
  const { view, nameLike } = options
  const { items, hasMore } = await withClient(options, io.env, (client) =>
    collectPages(options.maxResults, async (maxResults, pageToken) => {
      const page = await client.experiments.list({ view, nameLike, maxResults, pageToken })
      return { items: page.experiments, nextPageToken: page.nextPageToken }
    }),
  )
  if (options.json) return void io.stdout.write(formatJson(items))
  io.stdout.write(items.length === 0 ? 'No experiments found.\n' : formatExperiments(items, view !== 'active'))
  if (hasMore) io.stderr.write(`More experiments exist; showing the first ${items.length} (raise --max-results).\n`)
}

function formatExperiments(experiments: Experiment[], isLifecycleShown: boolean): string {
  const columns: Column[] = [
    { header: 'ID' },
    { header: 'NAME' },
    ...(isLifecycleShown ? [{ header: 'LIFECYCLE' }] : []),
    { header: 'CREATED' },
    { header: 'DESCRIPTION', maxWidth: 30 },
    { header: 'TAGS', maxWidth: 30 },
  ]
  const rows = experiments.map((e) => [
    e.id,
    e.name,
    ...(isLifecycleShown ? [e.lifecycle] : []),
    formatTimestamp(e.createdAtMs),
    e.description ?? '',
    formatPairs(e.tags),
  ])
  return formatTable(columns, rows)
}

function registerCreate(experiments: Command, io: CliIo): void {
  const create = experiments
    .command('create')
    .description('create an experiment and print its id')
    .argument('<name>', 'experiment name, unique on the server')
    .option('--description <text>', 'what the experiment is about')
    .option('--tag <key=value>', 'set a tag; repeat for several', collectTag)
    .option('--json', 'print the created experiment as JSON')
    .addHelpText(
      'after',
      examples(
        'provena experiments create resnet-sweep',
        'provena experiments create resnet-sweep --description "lr sweep" --tag team=vision --tag stage=dev',
      ),
    )
  addClientOptions(create).action(async (name: string, options: CreateOptions) => {
    const experiment = await withClient(options, io.env, (client) =>
      client.experiments.create({ name, description: options.description, tags: options.tag }),
    )
    io.stdout.write(
      options.json ? formatJson(experiment) : `Created experiment '${experiment.name}' with id ${experiment.id}.\n`,
    )
  })
}

function registerLifecycleChange(experiments: Command, io: CliIo, change: 'delete' | 'restore'): void {
  const description =
    change === 'delete'
      ? 'mark an experiment deleted; `experiments restore` brings it back'
      : 'bring a deleted experiment back'
  const command = experiments
    .command(change)
    .description(description)
    .argument('<id-or-name>', 'experiment id (all digits) or name; a deleted experiment is found by name too')
    .addHelpText('after', examples(`provena experiments ${change} resnet-sweep`, `provena experiments ${change} 12`))
  addClientOptions(command).action(async (idOrName: string, options: ClientFlags) => {
    const experiment = await withClient(options, io.env, async (client) => {
      const found = await findExperiment(client, idOrName)
      await (change === 'delete' ? client.experiments.delete(found.id) : client.experiments.restore(found.id))
      return found
    })
    const verb = change === 'delete' ? 'Deleted' : 'Restored'
    io.stdout.write(`${verb} experiment '${experiment.name}' (id ${experiment.id}).\n`)
  })
}
