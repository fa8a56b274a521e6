import type { ApiToken } from '@provena/sdk'
import type { Command } from 'commander'
import type { CliIo } from '../cli-io.js'
import { addClientOptions, withClient } from '../client.js'
import type { ClientFlags } from '../config.js'
import { formatJson, formatTimestamp } from '../output/format.js'
import { formatTable } from '../output/table.js'
import { examples } from './help-text.js'
import { parsePositiveInt } from './option-parsers.js'

interface CreateOptions extends ClientFlags {
  expiresInDays?: number
  user?: string
  json?: boolean
}

interface ListOptions extends ClientFlags {
  user?: string
  json?: boolean
}

/** `provena tokens create|list|revoke`. */
export function registerTokensCommand(program: Command, io: CliIo): void {
  const tokens = program
    .command('tokens')
    .description('manage API tokens: secrets that act as their user (for scripts, CI and the mlflow client)')
  registerCreate(tokens, io)
  registerList(tokens, io)
  registerRevoke(tokens, io)
}

function registerCreate(tokens: Command, io: CliIo): void {
  const create = tokens
    .command('create')
    .description('create a token and print it (the server keeps only a hash of it)')
    .argument('<name>', 'what the token is for, e.g. ci or laptop (letters, digits and _ . @ : -)')
    .option('--expires-in-days <n>', 'the token stops working after this many days (default: never)', parsePositiveInt)
    .option('--user <name>', 'whose token it is (default: yours; only admins may name someone else)')
    .option('--json', 'print the token and its record as JSON')
    .addHelpText(
      'after',
      `\nThe token is printed this once: it cannot be shown again. Only the token goes to standard output,
so it can be captured; the rest goes to standard error.
${examples(
  'provena tokens create laptop --expires-in-days 90',
  'export PROVENA_TOKEN=$(provena tokens create ci --user ci-bot)',
)}`,
    )
  addClientOptions(create).action(async (name: string, options: CreateOptions) => {
    const created = await withClient(options, io.env, (client) =>
      client.tokens.create({ name, expiresInDays: options.expiresInDays, username: options.user }),
    )
    if (options.json) return void io.stdout.write(formatJson(created))
    const { id, username, expiresAtMs } = created.apiToken
    const expiry = expiresAtMs === null ? 'does not expire' : `expires ${formatTimestamp(expiresAtMs)}`
    io.stderr.write(`Created token '${name}' (id ${id}) for ${username}; it ${expiry}.\n`)
    io.stdout.write(`${created.token}\n`)
    io.stderr.write('Copy it now: it cannot be shown again.\n')
  })
}

function tokenStatus(token: ApiToken, nowMs: number): string {
  if (token.revokedAtMs !== null) return 'revoked'
  return token.expiresAtMs !== null && token.expiresAtMs <= nowMs ? 'expired' : 'active'
}

function formatTokens(tokens: ApiToken[]): string {
  if (tokens.length === 0) return 'No tokens.\n'
  const nowMs = Date.now()
  return formatTable(
    [
      { header: 'ID', align: 'right' },
      { header: 'NAME' },
      { header: 'USER' },
      { header: 'STATUS' },
      { header: 'CREATED' },
      { header: 'EXPIRES' },
    ],
    tokens.map((t) => [
      t.id,
      t.name,
      t.username,
      tokenStatus(t, nowMs),
      formatTimestamp(t.createdAtMs),
      t.expiresAtMs === null ? 'never' : formatTimestamp(t.expiresAtMs),
    ]),
  )
}

function registerList(tokens: Command, io: CliIo): void {
  const list = tokens
    .command('list')
    .description("list tokens (never their secrets): yours, a user's, or, for an admin without --user, everyone's")
    .option('--user <name>', "only this user's tokens (admins only, but for yourself)")
    .option('--json', 'print a JSON array of tokens instead of a table')
    .addHelpText('after', examples('provena tokens list', 'provena tokens list --user alice --json'))
  addClientOptions(list).action(async (options: ListOptions) => {
    const found = await withClient(options, io.env, (client) => client.tokens.list({ username: options.user }))
    io.stdout.write(options.json ? formatJson(found) : formatTokens(found))
  })
}

function registerRevoke(tokens: Command, io: CliIo): void {
  const revoke = tokens
    .command('revoke')
    .description('revoke a token by its id (see `tokens list`); it stops working at once')
    .argument('<id>', 'token id')
    .addHelpText('after', examples('provena tokens revoke 12'))
  addClientOptions(revoke).action(async (id: string, options: ClientFlags) => {
    await withClient(options, io.env, (client) => client.tokens.revoke(id))
    io.stdout.write(`Revoked token ${id}.\n`)
  })
}
