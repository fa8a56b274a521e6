import { readFile } from 'node:fs/promises'
import type {
  AliasEvent,
  ModelVersion,
  PromotionRequest,
  RegisteredModel,
  UpdateModelCardBody,
} from '@provena/contract'
import { ModelStage, PromotionStatus, WebhookEvent } from '@provena/contract'
import { Argument, type Command } from 'commander'
import { CliError } from '../cli-error.js'
import type { CliIo } from '../cli-io.js'
import { addClientOptions, withClient } from '../client.js'
import type { ClientFlags } from '../config.js'
import { formatBytes, formatJson, formatTimestamp } from '../output/format.js'
import { formatTable } from '../output/table.js'
import { examples } from './help-text.js'
import { registerModelInputCommand } from './model-input-command.js'
import { collect, parsePositiveInt } from './option-parsers.js'

interface JsonFlags extends ClientFlags {
  json?: boolean
}

interface CardFlags {
  intendedUse?: string
  outOfScopeUse?: string
  limitations?: string
  ethicalConsiderations?: string
  owner?: string[]
  notesFile?: string
  format: string
}

/** The card fields the options change. */
async function cardPatchOf(options: CardFlags): Promise<UpdateModelCardBody> {
  const patch: UpdateModelCardBody = {}
  if (options.intendedUse !== undefined) patch.intendedUse = options.intendedUse
  if (options.outOfScopeUse !== undefined) patch.outOfScopeUse = options.outOfScopeUse
  if (options.limitations !== undefined) patch.limitations = options.limitations
  if (options.ethicalConsiderations !== undefined) patch.ethicalConsiderations = options.ethicalConsiderations
  if (options.owner !== undefined) patch.owners = options.owner
  if (options.notesFile !== undefined) {
    try {
      patch.markdown = await readFile(options.notesFile, 'utf8')
    } catch (error) {
      throw new CliError(`cannot read ${options.notesFile}: ${(error as Error).message}`, { cause: error })
    }
  }
  return patch
}

const RUN_ID = '5f0c3d2e9a8b4c7d8e1f2a3b4c5d6e7f'

/** `provena models create|list|show|register|versions|resolve|card|compare|stage|delete-version|webhook|alias|rollback|protect|history|promote|promotions|approve|reject|log-input`. */
export function registerModelsCommand(program: Command, io: CliIo): void {
  const models = program
    .command('models')
    .description('the model registry: versions from runs, aliases with history and rollback, four-eyes promotions')
  registerBasics(models, io)
  registerVersions(models, io)
  registerAliases(models, io)
  registerPromotions(models, io)
  registerWebhooks(models, io)
  registerModelInputCommand(models, io)
}

function registerWebhooks(models: Command, io: CliIo): void {
  const webhook = models
    .command('webhook')
    .description(
      "subscribe URLs to a model's registry events (signed with HMAC-SHA256, retried with backoff; needs MANAGE)",
    )
  const add = webhook
    .command('add')
    .description('subscribe a URL; prints the signing secret once')
    .argument('<name>', 'the model')
    .argument(
      '<url>',
      'http(s) URL; private, loopback and link-local targets are refused unless the operator allows them',
    )
    .option('--event <event>', `only these events (repeat): ${WebhookEvent.options.join(', ')}`, collect)
    .option('--json', 'print the webhook and its secret as JSON')
    .addHelpText(
      'after',
      examples('provena models webhook add churn https://ci.example.com/hooks/provena --event alias.moved'),
    )
  addClientOptions(add).action(async (name: string, url: string, options: JsonFlags & { event?: string[] }) => {
    const events = options.event?.map((e) => {
      const parsed = WebhookEvent.safeParse(e)
      if (!parsed.success) throw new CliError(`unknown event '${e}': use ${WebhookEvent.options.join(', ')}`)
      return parsed.data
    })
    const created = await withClient(options, io.env, (c) => c.models.createWebhook(name, { url, events }))
    if (options.json) return void io.stdout.write(formatJson(created))
    io.stdout.write(
      `Webhook ${created.webhook.id} -> ${url} (${created.webhook.events.join(', ')}).\n` +
        `Signing secret (shown once): ${created.secret}\n` +
        'Each delivery carries X-Provena-Signature: sha256=<HMAC-SHA256 of the body with this secret>.\n',
    )
  })

  const list = webhook
    .command('list')
    .description("a model's webhooks")
    .argument('<name>', 'the model')
    .option('--json', 'print JSON')
  addClientOptions(list).action(async (name: string, options: JsonFlags) => {
    const hooks = await withClient(options, io.env, (c) => c.models.listWebhooks(name))
    if (options.json) return void io.stdout.write(formatJson(hooks))
    if (hooks.length === 0) return void io.stdout.write('No webhooks.\n')
    io.stdout.write(
      formatTable(
        [
          { header: 'ID', maxWidth: 32 },
          { header: 'URL', maxWidth: 80 },
          { header: 'EVENTS', maxWidth: 80 },
        ],
        hooks.map((h) => [h.id, h.url, h.events.join(', ')]),
      ),
    )
  })

  const remove = webhook
    .command('remove')
    .description('delete a webhook')
    .argument('<name>', 'the model')
    .argument('<webhook-id>', 'its id')
  addClientOptions(remove).action(async (name: string, id: string, options: ClientFlags) => {
    await withClient(options, io.env, (c) => c.models.deleteWebhook(name, id))
    io.stdout.write(`Removed webhook ${id}.\n`)
  })

  const deliveries = webhook
    .command('deliveries')
    .description('the newest deliveries to a webhook: status, attempts, last answer or error')
    .argument('<name>', 'the model')
    .argument('<webhook-id>', 'its id')
    .option('--json', 'print JSON')
  addClientOptions(deliveries).action(async (name: string, id: string, options: JsonFlags) => {
    const found = await withClient(options, io.env, (c) => c.models.webhookDeliveries(name, id))
    if (options.json) return void io.stdout.write(formatJson(found))
    if (found.length === 0) return void io.stdout.write('No deliveries yet.\n')
    io.stdout.write(
      formatTable(
        [
          { header: 'CREATED' },
          { header: 'EVENT' },
          { header: 'STATUS' },
          { header: 'ATTEMPTS', align: 'right' },
          { header: 'LAST', maxWidth: 60 },
          { header: 'NEXT' },
        ],
        found.map((d) => [
          formatTimestamp(d.createdAtMs),
          d.event,
          d.status,
          String(d.attempts),
          d.lastError ?? (d.lastStatusCode === null ? '-' : String(d.lastStatusCode)),
          d.nextAttemptAtMs === null ? '-' : formatTimestamp(d.nextAttemptAtMs),
        ]),
      ),
    )
  })
}

function describeModel(m: RegisteredModel): string {
  const aliases = Object.entries(m.aliases)
    .map(([alias, v]) => `@${alias} -> ${v}${m.protectedAliases.includes(alias) ? ' (protected)' : ''}`)
    .join(', ')
  const lines = [
    `Model ${m.name}`,
    `  description  ${m.description ?? '-'}`,
    `  versions     ${m.latestVersion ?? 0}`,
    `  aliases      ${aliases || '-'}`,
    `  created      ${formatTimestamp(m.createdAtMs)} by ${m.createdBy ?? '-'}`,
  ]
  const unsetProtected = m.protectedAliases.filter((a) => !(a in m.aliases))
  if (unsetProtected.length > 0)
    lines.push(`  protected    ${unsetProtected.map((a) => `@${a}`).join(', ')} (not set yet)`)
  return `${lines.join('\n')}\n`
}

function describeVersion(v: ModelVersion): string {
  return [
    `Version ${v.modelName}/${v.version} (${v.status}, stage ${v.stage})`,
    `  source   ${v.source}`,
    `  digest   ${v.digest}`,
    `  files    ${v.fileCount} (${formatBytes(v.sizeBytes)})`,
    `  aliases  ${v.aliases.map((a) => `@${a}`).join(', ') || '-'}`,
    `  created  ${formatTimestamp(v.createdAtMs)} by ${v.createdBy ?? '-'}`,
  ].join('\n')
}

function registerBasics(models: Command, io: CliIo): void {
  const create = models
    .command('create')
    .description('create a registered model (you manage it)')
    .argument('<name>', 'the model name')
    .option('--description <text>', 'what the model is for')
    .option('--json', 'print the model as JSON')
    .addHelpText('after', examples('provena models create churn --description "churn classifier"'))
  addClientOptions(create).action(async (name: string, options: JsonFlags & { description?: string }) => {
    const model = await withClient(options, io.env, (c) => c.models.create({ name, description: options.description }))
    io.stdout.write(options.json ? formatJson(model) : `Created model ${model.name}.\n`)
  })

  const list = models.command('list').description('list registered models').option('--json', 'print JSON')
  addClientOptions(list).action(async (options: JsonFlags) => {
    const { models: found } = await withClient(options, io.env, (c) => c.models.list({ maxResults: 1000 }))
    if (options.json) return void io.stdout.write(formatJson(found))
    if (found.length === 0) return void io.stdout.write('No models yet: create one with `provena models create`.\n')
    io.stdout.write(
      formatTable(
        [
          { header: 'NAME', maxWidth: 60 },
          { header: 'LATEST', align: 'right' },
          { header: 'ALIASES', maxWidth: 60 },
        ],
        found.map((m) => [
          m.name,
          m.latestVersion === null ? '-' : String(m.latestVersion),
          Object.entries(m.aliases)
            .map(([a, v]) => `@${a}=${v}`)
            .join(' '),
        ]),
      ),
    )
  })

  const show = models
    .command('show')
    .description('show a model, or one version of it (files with --files)')
    .argument('<name>', 'the model')
    .argument('[version]', 'a version number', parsePositiveInt)
    .option('--files', "with a version: list the version's frozen files")
    .option('--json', 'print JSON')
    .addHelpText('after', examples('provena models show churn', 'provena models show churn 3 --files'))
  addClientOptions(show).action(
    async (name: string, version: number | undefined, options: JsonFlags & { files?: boolean }) => {
      await withClient(options, io.env, async (c) => {
        if (version === undefined) {
          const model = await c.models.get(name)
          return void io.stdout.write(options.json ? formatJson(model) : describeModel(model))
        }
        if (options.files) {
          const files = await c.models.listFiles(name, version)
          if (options.json) return void io.stdout.write(formatJson(files))
          return void io.stdout.write(
            formatTable(
              [
                { header: 'PATH', maxWidth: 80 },
                { header: 'SIZE', align: 'right' },
                { header: 'SHA256', maxWidth: 64 },
              ],
              files.map((f) => [f.path, formatBytes(f.sizeBytes), f.sha256]),
            ),
          )
        }
        const found = await c.models.getVersion(name, version)
        io.stdout.write(options.json ? formatJson(found) : `${describeVersion(found)}\n`)
      })
    },
  )
}

function registerVersions(models: Command, io: CliIo): void {
  const register = models
    .command('register')
    .description(
      "register a run's artifact file or directory, or a local folder, as the model's next version (its files and digest are frozen)",
    )
    .argument('<name>', 'the model')
    .argument('<source>', 'runs:/<run-id>/<artifact path>, or a local folder (its files are uploaded by content)')
    .option('--description <text>', 'what changed in this version')
    .option('--json', 'print the version as JSON')
    .addHelpText(
      'after',
      examples(`provena models register churn runs:/${RUN_ID}/model`, 'provena models register churn ./out/model'),
    )
  addClientOptions(register).action(
    async (name: string, source: string, options: JsonFlags & { description?: string }) => {
      const version = await withClient(options, io.env, (c) =>
        source.startsWith('runs:/')
          ? c.models.register(name, source, { description: options.description })
          : c.models.registerFolder(name, source, { description: options.description }),
      )
      io.stdout.write(
        options.json ? formatJson(version) : `Registered ${name}/${version.version} (digest ${version.digest}).\n`,
      )
    },
  )

  const versions = models
    .command('versions')
    .description("list a model's versions, newest first")
    .argument('<name>', 'the model')
    .option('--json', 'print JSON')
  addClientOptions(versions).action(async (name: string, options: JsonFlags) => {
    const { versions: found } = await withClient(options, io.env, (c) =>
      c.models.listVersions(name, { maxResults: 1000 }),
    )
    if (options.json) return void io.stdout.write(formatJson(found))
    io.stdout.write(
      formatTable(
        [
          { header: 'VERSION', align: 'right' },
          { header: 'ALIASES' },
          { header: 'FILES', align: 'right' },
          { header: 'SIZE', align: 'right' },
          { header: 'CREATED' },
          { header: 'SOURCE', maxWidth: 80 },
        ],
        found.map((v) => [
          String(v.version),
          v.aliases.map((a) => `@${a}`).join(' '),
          String(v.fileCount),
          formatBytes(v.sizeBytes),
          formatTimestamp(v.createdAtMs),
          v.source,
        ]),
      ),
    )
  })

  const resolve = models
    .command('resolve')
    .description('show the version a models:/ URI names')
    .argument('<uri>', 'models:/<name>@<alias>, models:/<name>/<version> or models:/<name>/latest')
    .option('--json', 'print JSON')
    .addHelpText('after', examples('provena models resolve models:/churn@production'))
  addClientOptions(resolve).action(async (uri: string, options: JsonFlags) => {
    const version = await withClient(options, io.env, (c) => c.models.resolve(uri))
    io.stdout.write(options.json ? formatJson(version) : `${describeVersion(version)}\n`)
  })

  const compare = models
    .command('compare')
    .description("where two versions differ: their runs' params and metrics, dataset inputs, code commit, and files")
    .argument('<name>', 'the model')
    .argument('<a>', 'a version number', parsePositiveInt)
    .argument('<b>', 'another version number', parsePositiveInt)
    .option('--json', 'print JSON')
    .addHelpText('after', examples('provena models compare churn 3 4'))
  addClientOptions(compare).action(async (name: string, a: number, b: number, options: JsonFlags) => {
    const diff = await withClient(options, io.env, (c) => c.models.compare(name, a, b))
    if (options.json) return void io.stdout.write(formatJson(diff))
    const section = (title: string, rows: string[][]) =>
      rows.length === 0
        ? `${title}: no difference\n`
        : `${title}:\n${formatTable([{ header: '' }, { header: `v${a}`, maxWidth: 60 }, { header: `v${b}`, maxWidth: 60 }], rows, { showHeader: false })}`
    const show = (v: unknown) => (v === null ? '-' : String(v))
    io.stdout.write(
      [
        `${name} v${a} (${diff.a.source}) vs v${b} (${diff.b.source})`,
        section(
          'params',
          diff.params.map((p) => [`  ${p.key}`, show(p.a), show(p.b)]),
        ),
        section(
          'metrics',
          diff.metrics.map((m) => [`  ${m.key}`, show(m.a), show(m.b)]),
        ),
        section(
          'datasets',
          diff.datasets.map((d) => [`  ${d.context}`, d.a.join(', ') || '-', d.b.join(', ') || '-']),
        ),
        section('code', diff.code.a === diff.code.b ? [] : [['  commit', show(diff.code.a), show(diff.code.b)]]),
        `files: ${diff.files.added.length} added, ${diff.files.removed.length} removed, ${diff.files.changed.length} changed\n`,
        ...[
          ...diff.files.added.map((f) => `  + ${f}`),
          ...diff.files.removed.map((f) => `  - ${f}`),
          ...diff.files.changed.map((f) => `  ~ ${f}`),
        ].map((l) => `${l}\n`),
      ].join(''),
    )
  })

  const card = models
    .command('card')
    .description("show a version's model card (markdown or JSON), or change the parts people write")
    .argument('<name>', 'the model')
    .argument('<version>', 'the version', parsePositiveInt)
    .option('--intended-use <text>', 'what the model is for')
    .option('--out-of-scope-use <text>', 'what it must not be used for')
    .option('--limitations <text>', 'known limitations')
    .option('--ethical-considerations <text>', 'risks, fairness, privacy')
    .option('--owner <who>', 'an owner (repeat for several; replaces the list)', collect)
    .option('--notes-file <file>', 'free markdown for the card, read from a file')
    .option('--format <format>', 'markdown or json', 'markdown')
    .addHelpText(
      'after',
      `
Training data and evaluation are filled in from the source run (its dataset inputs and latest
metrics); the other sections are written by people.
${examples('provena models card churn 4', 'provena models card churn 4 --intended-use "Rank customers by churn risk" --owner ml-team@example.com', 'provena models card churn 4 --format json > card.json')}`,
    )
  addClientOptions(card).action(async (name: string, version: number, options: ClientFlags & CardFlags) => {
    if (options.format !== 'markdown' && options.format !== 'json')
      throw new CliError("--format must be 'markdown' or 'json'")
    const patch = await cardPatchOf(options)
    await withClient(options, io.env, async (c) => {
      if (Object.keys(patch).length > 0) await c.models.updateCard(name, version, patch)
      io.stdout.write(
        options.format === 'json'
          ? formatJson(await c.models.card(name, version))
          : await c.models.cardMarkdown(name, version),
      )
    })
  })

  const stage = models
    .command('stage')
    .description('move a version to an MLflow stage (kept for compatibility; recorded in the alias history)')
    .argument('<name>', 'the model')
    .argument('<version>', 'the version', parsePositiveInt)
    .addArgument(new Argument('<stage>', 'the stage').choices(ModelStage.options))
    .option('--archive-existing', 'move the versions now in that stage (Staging or Production) to Archived')
    .option('--reason <text>', 'why, kept in the history')
    .addHelpText('after', examples('provena models stage churn 4 Production --archive-existing'))
  addClientOptions(stage).action(
    async (
      name: string,
      version: number,
      target: ModelStage,
      options: ClientFlags & { archiveExisting?: boolean; reason?: string },
    ) => {
      await withClient(options, io.env, (c) =>
        c.models.transitionStage(name, version, {
          stage: target,
          archiveExisting: !!options.archiveExisting,
          reason: options.reason,
        }),
      )
      io.stdout.write(`${name}/${version} is in stage ${target}.\n`)
    },
  )

  const remove = models
    .command('delete-version')
    .description('delete a version no alias points to (needs MANAGE); its files may then be garbage-collected')
    .argument('<name>', 'the model')
    .argument('<version>', 'the version number', parsePositiveInt)
  addClientOptions(remove).action(async (name: string, version: number, options: ClientFlags) => {
    await withClient(options, io.env, (c) => c.models.deleteVersion(name, version))
    io.stdout.write(`Deleted ${name}/${version}.\n`)
  })
}

function formatHistory(events: AliasEvent[]): string {
  if (events.length === 0) return 'No alias has moved yet.\n'
  return formatTable(
    [
      { header: 'WHEN' },
      { header: 'ALIAS' },
      { header: 'MOVE' },
      { header: 'KIND' },
      { header: 'BY', maxWidth: 40 },
      { header: 'REASON', maxWidth: 60 },
    ],
    events.map((e) => [
      formatTimestamp(e.atMs),
      `@${e.alias}`,
      `${e.fromVersion ?? '-'} -> ${e.toVersion ?? '-'}`,
      e.kind,
      e.actor,
      e.reason ?? '',
    ]),
  )
}

function registerAliases(models: Command, io: CliIo): void {
  const alias = models
    .command('alias')
    .description('point an alias at a version (or remove it with --delete); protected aliases need a promotion')
    .argument('<name>', 'the model')
    .argument('<alias>', 'e.g. champion (letters, digits, _ and -; not a version number)')
    .argument('[version]', 'the version to point at', parsePositiveInt)
    .option('--delete', 'remove the alias instead')
    .option(
      '--expect <version>',
      'refuse unless the alias points at this version now (guards against a concurrent move)',
      parsePositiveInt,
    )
    .option('--reason <text>', 'why, kept in the alias history')
    .addHelpText(
      'after',
      examples(
        'provena models alias churn champion 3 --reason "AUC 0.91"',
        'provena models alias churn shadow --delete',
      ),
    )
  addClientOptions(alias).action(
    async (
      name: string,
      aliasName: string,
      version: number | undefined,
      options: ClientFlags & { delete?: boolean; expect?: number; reason?: string },
    ) => {
      if (options.delete) {
        await withClient(options, io.env, (c) => c.models.deleteAlias(name, aliasName))
        return void io.stdout.write(`Removed @${aliasName} of ${name}.\n`)
      }
      if (version === undefined) throw new CliError('give the version to point at, or --delete to remove the alias')
      await withClient(options, io.env, (c) =>
        c.models.setAlias(name, aliasName, { version, expectedVersion: options.expect, reason: options.reason }),
      )
      io.stdout.write(`@${aliasName} of ${name} -> version ${version}.\n`)
    },
  )

  const rollback = models
    .command('rollback')
    .description('move an alias back to the version it pointed to before its last move')
    .argument('<name>', 'the model')
    .argument('<alias>', 'the alias')
    .option('--reason <text>', 'why, kept in the alias history')
    .addHelpText('after', examples('provena models rollback churn production --reason "latency regression"'))
  addClientOptions(rollback).action(
    async (name: string, aliasName: string, options: ClientFlags & { reason?: string }) => {
      const model = await withClient(options, io.env, (c) => c.models.rollback(name, aliasName, options.reason))
      io.stdout.write(`@${aliasName} of ${name} -> version ${model.aliases[aliasName]} (rolled back).\n`)
    },
  )

  const protect = models
    .command('protect')
    .description('mark an alias protected (moves need an approved promotion), or unprotect it; needs MANAGE')
    .argument('<name>', 'the model')
    .argument('<alias>', 'the alias')
    .option('--off', 'remove the protection')
  addClientOptions(protect).action(
    async (name: string, aliasName: string, options: ClientFlags & { off?: boolean }) => {
      await withClient(options, io.env, (c) => c.models.protectAlias(name, aliasName, !options.off))
      io.stdout.write(`@${aliasName} of ${name} is ${options.off ? 'no longer protected' : 'protected'}.\n`)
    },
  )

  const history = models
    .command('history')
    .description('every move of the aliases of a model (or of one alias), newest first')
    .argument('<name>', 'the model')
    .argument('[alias]', 'only this alias')
    .option('--json', 'print JSON')
  addClientOptions(history).action(async (name: string, aliasName: string | undefined, options: JsonFlags) => {
    const { events } = await withClient(options, io.env, (c) =>
      c.models.aliasHistory(name, { alias: aliasName, maxResults: 1000 }),
    )
    io.stdout.write(options.json ? formatJson(events) : formatHistory(events))
  })
}

function describeRequest(r: PromotionRequest): string {
  const decided = r.decidedBy ? `, ${r.status.toLowerCase()} by ${r.decidedBy}${r.comment ? `: ${r.comment}` : ''}` : ''
  return `${r.id}  ${r.modelName}/${r.version} -> @${r.alias}  ${r.status}  asked by ${r.requestedBy}: ${r.reason}${decided}\n`
}

function registerPromotions(models: Command, io: CliIo): void {
  const promote = models
    .command('promote')
    .description('ask for a version to be moved to an alias; someone else with MANAGE approves (needs EDIT)')
    .argument('<name>', 'the model')
    .argument('<version>', 'the version', parsePositiveInt)
    .argument('<alias>', 'the alias, e.g. production')
    .requiredOption('--reason <text>', 'why this version should go there')
    .option('--json', 'print the request as JSON')
    .addHelpText('after', examples('provena models promote churn 4 production --reason "AUC +2%, card reviewed"'))
  addClientOptions(promote).action(
    async (name: string, version: number, aliasName: string, options: JsonFlags & { reason: string }) => {
      const request = await withClient(options, io.env, (c) =>
        c.models.requestPromotion(name, { version, alias: aliasName, reason: options.reason }),
      )
      io.stdout.write(options.json ? formatJson(request) : `Requested: ${describeRequest(request)}`)
    },
  )

  const promotions = models
    .command('promotions')
    .description("list a model's promotion requests, newest first")
    .argument('<name>', 'the model')
    .addArgument(new Argument('[status]', 'only these').choices(PromotionStatus.options))
    .option('--json', 'print JSON')
  addClientOptions(promotions).action(async (name: string, status: PromotionStatus | undefined, options: JsonFlags) => {
    const requests = await withClient(options, io.env, (c) => c.models.listPromotions(name, status))
    if (options.json) return void io.stdout.write(formatJson(requests))
    io.stdout.write(requests.length === 0 ? 'No promotion requests.\n' : requests.map(describeRequest).join(''))
  })

  for (const decision of ['approve', 'reject'] as const) {
    const command = models
      .command(decision)
      .description(
        decision === 'approve'
          ? 'approve a promotion request and move the alias (needs MANAGE; never your own request)'
          : 'reject a promotion request (needs MANAGE)',
      )
      .argument('<name>', 'the model')
      .argument('<request-id>', 'the request id (see `provena models promotions`)')
      .option('--comment <text>', 'kept with the decision')
      .option('--json', 'print the request as JSON')
    addClientOptions(command).action(
      async (name: string, requestId: string, options: JsonFlags & { comment?: string }) => {
        const decided = await withClient(options, io.env, (c) => c.models[decision](name, requestId, options.comment))
        io.stdout.write(
          options.json
            ? formatJson(decided)
            : `${decision === 'approve' ? 'Approved' : 'Rejected'}: ${describeRequest(decided)}`,
        )
      },
    )
  }
}
