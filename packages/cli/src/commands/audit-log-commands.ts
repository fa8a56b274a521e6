import { writeFileSync } from 'node:fs'
import type { AuditEvent } from '@provena/sdk'
import { type Command, Option } from 'commander'
import type { CliIo } from '../cli-io.js'
import { addClientOptions, withClient } from '../client.js'
import type { ClientFlags } from '../config.js'
import { formatJson, formatTimestamp } from '../output/format.js'
import { createProgress } from '../output/progress.js'
import { formatTable } from '../output/table.js'
import { openTextOutput } from '../output/text-output.js'
import { collectPages } from '../paging.js'
import { examples } from './help-text.js'
import { parsePositiveInt, parseTime } from './option-parsers.js'

interface ListOptions extends ClientFlags {
  objectType?: string
  objectId?: string
  actor?: string
  action?: string
  since?: number
  until?: number
  maxResults: number
  json?: boolean
}

interface OutputOptions extends ClientFlags {
  output?: string
}

/** `provena audit list|export|checkpoint`: reading the trail and signing checkpoints on a running server. */
export function registerAuditLogCommands(audit: Command, io: CliIo): void {
  registerList(audit, io)
  registerExport(audit, io)
  registerCheckpoint(audit, io)
}

function registerList(audit: Command, io: CliIo): void {
  const list = audit
    .command('list')
    .description('list audit events, newest first')
    .option('--object-type <type>', 'only events about this kind of object, e.g. experiment, run, user, token')
    .option('--object-id <id>', 'only events about this object')
    .option('--actor <name>', 'only events by this actor, e.g. alice, alice/token:ci, local-admin')
    .option('--action <action>', 'only this action, e.g. experiment.create, permission.grant, auth.login_failed')
    .option('--since <time>', 'only events at or after this time (ISO 8601, or epoch milliseconds)', parseTime)
    .option('--until <time>', 'only events at or before this time', parseTime)
    .option('--max-results <n>', 'show at most this many events', parsePositiveInt, 50)
    .option('--json', 'print a JSON array of events, with their content and hashes')
    .addHelpText(
      'after',
      examples(
        'provena audit list',
        'provena audit list --object-type experiment --object-id 12',
        'provena audit list --actor alice --since 2025-01-01 --json',
        'provena audit list --action auth.login_failed --since 2025-06-01T08:00:00Z',
      ),
    )
  addClientOptions(list).action((options: ListOptions) => listEvents(options, io))
}

async function listEvents(options: ListOptions, io: CliIo): Promise<void> {
  const { objectType, objectId, actor, action, since: fromMs, until: toMs } = options
  const { items, hasMore } = await withClient(options, io.env, (client) =>
    collectPages(options.maxResults, async (maxResults, pageToken) => {
      const page = await client.audit.events({
        objectType,
        objectId,
        actor,
        action,
        fromMs,
        toMs,
        maxResults,
        pageToken,
      })
      return { items: page.events, nextPageToken: page.nextPageToken }
    }),
  )
  if (options.json) return void io.stdout.write(formatJson(items))
  io.stdout.write(items.length === 0 ? 'No audit events found.\n' : formatEvents(items))
  if (hasMore) io.stderr.write(`More events exist; showing the newest ${items.length} (raise --max-results).\n`)
}

function formatEvents(events: AuditEvent[]): string {
  return formatTable(
    [
      { header: 'SEQ', align: 'right' },
      { header: 'TIME' },
      { header: 'ACTOR' },
      { header: 'ACTION' },
      { header: 'OBJECT' },
    ],
    events.map((e) => [
      String(e.seq),
      formatTimestamp(e.timeMs),
      e.actor,
      e.action,
      e.objectId === null ? e.objectType : `${e.objectType} ${e.objectId}`,
    ]),
  )
}

function registerExport(audit: Command, io: CliIo): void {
  const exportCommand = audit
    .command('export')
    .description('write every audit event, in seq order, with the hashes that chain them (streamed)')
    .addOption(
      new Option('--format <format>', 'output format: one JSON event per line').choices(['jsonl']).default('jsonl'),
    )
    .option('--output <file>', 'write to this file instead of standard output')
    .addHelpText(
      'after',
      `\nThe format of events and hashes is in docs/audit-format.md, for checking them with other tools.
${examples('provena audit export --format jsonl --output audit-2025-06.jsonl', 'provena audit export | jq -c "select(.actor == \\"alice\\")"')}`,
    )
  addClientOptions(exportCommand).action(async (options: OutputOptions) => {
    const output = openTextOutput(io.stdout, options.output)
    const progress = createProgress(io.stderr, 'Exported events')
    let count = 0
    try {
      await withClient(options, io.env, async (client) => {
        for await (const event of client.audit.exportEvents()) {
          await output.write(`${JSON.stringify(event)}\n`)
          progress.update(++count)
        }
      })
    } finally {
      progress.done()
      await output.close()
    }
    if (options.output !== undefined) io.stderr.write(`Exported ${count} audit events to ${options.output}.\n`)
  })
}

function registerCheckpoint(audit: Command, io: CliIo): void {
  const checkpoint = audit
    .command('checkpoint')
    .description('have the server sign a checkpoint of the whole log now, and print the signed note')
    .option('--output <file>', 'write the note to this file instead of standard output')
    .addHelpText(
      'after',
      `\nKeep the note where the server cannot change it. Later, \`provena audit verify --against <file> --key <key>\`
proves that the log still extends it: nothing signed in it was changed or deleted since.
${examples('provena audit checkpoint --output checkpoint-2025-06-01.txt', 'provena audit checkpoint > checkpoint.txt')}`,
    )
  addClientOptions(checkpoint).action(async (options: OutputOptions) => {
    const signed = await withClient(options, io.env, (client) => client.audit.checkpoint())
    if (options.output === undefined) io.stdout.write(signed.note)
    else writeFileSync(options.output, signed.note)
    const where = options.output === undefined ? '' : ` to ${options.output}`
    io.stderr.write(
      `Wrote a checkpoint of ${signed.treeSize} events${where}, signed by ${signed.verifierKey}\n` +
        '(check that this is the verifier key you kept from the server banner).\n',
    )
  })
}
