import { hostname } from 'node:os'
import { NotFoundError, UnauthenticatedError } from '@provena/sdk'
import type { Command } from 'commander'
import { CliError } from '../cli-error.js'
import type { CliIo } from '../cli-io.js'
import { withServer } from '../client.js'
import { configDir, DEFAULT_TRACKING_URL, resolveServerUrl } from '../config.js'
import { credentialsPath, findSavedCredential, forgetCredential, saveCredential } from '../credentials-file.js'
import { formatTimestamp } from '../output/format.js'
import { ask, isInteractive, readPassword } from '../prompt.js'
import { examples } from './help-text.js'

const TOKEN_LIFETIME_DAYS = 30
const URL_HELP = `Provena server URL (default: $PROVENA_TRACKING_URI, then ${DEFAULT_TRACKING_URL})`

interface LoginOptions {
  url?: string
  username?: string
}

/** `provena login` and `provena logout`. */
export function registerLoginCommands(program: Command, io: CliIo): void {
  program
    .command('login')
    .description(
      `sign in to a server: asks for your password, creates an API token named cli@<host> (valid ${TOKEN_LIFETIME_DAYS} days) ` +
        'and saves it, so later commands to that URL need no --token',
    )
    .option('--url <url>', URL_HELP)
    .option('--username <name>', 'who to sign in as (asked for when standard input is a terminal)')
    .addHelpText(
      'after',
      `\nThe password is read without echo from a terminal, else as the first line of standard input.
Tokens are saved in $PROVENA_CONFIG_DIR/credentials.json (default ~/.config/provena/credentials.json, mode 0600).
${examples(
  'provena login --username alice',
  'provena login --url https://provena.example.com --username alice',
  'printf "%s\\n" "$ALICE_PASSWORD" | provena login --username alice',
)}`,
    )
    .action((options: LoginOptions) => login(options, io))

  program
    .command('logout')
    .description('revoke the token `provena login` saved for a server, and forget it')
    .option('--url <url>', URL_HELP)
    .addHelpText('after', examples('provena logout', 'provena logout --url https://provena.example.com'))
    .action((options: { url?: string }) => logout(options, io))
}

/** `cli@<host>`, within the characters and length a token name may have. */
function cliTokenName(): string {
  return `cli@${hostname()}`.replace(/[^\w.@:-]/g, '-').slice(0, 100)
}

async function askUsername(io: CliIo): Promise<string> {
  if (!isInteractive(io)) throw new CliError('--username is required when standard input is not a terminal')
  return ask(io, 'Username: ')
}

async function login(options: LoginOptions, io: CliIo): Promise<void> {
  const url = resolveServerUrl(options, io.env)
  const username = options.username ?? (await askUsername(io))
  const password = await readPassword(io, `Password for ${username} at ${url}: `)
  const dir = configDir(io.env)
  const previous = findSavedCredential(dir, url)
  const created = await withServer({ url, username, password }, async (client) => {
    if (!(await client.auth.whoami()).isAuthEnabled) {
      throw new CliError(`the server at ${url} runs without access control (no --auth): there is nothing to sign in to`)
    }
    try {
      return await client.tokens.create({ name: cliTokenName(), expiresInDays: TOKEN_LIFETIME_DAYS })
    } catch (error) {
      if (error instanceof UnauthenticatedError)
        throw new CliError(`sign-in failed: ${error.message}`, { cause: error })
      throw error
    }
  })
  saveCredential(dir, url, { token: created.token, tokenId: created.apiToken.id, username })
  // The token this login replaces would otherwise stay valid, unused, until it expires.
  if (previous) await revokeQuietly(url, previous.token, previous.tokenId)
  const { name, id, expiresAtMs } = created.apiToken
  io.stdout.write(
    `Logged in to ${url} as ${username}. Token '${name}' (id ${id}, expires ${formatTimestamp(expiresAtMs)}) ` +
      `saved in ${credentialsPath(dir)}.\n`,
  )
}

async function revokeQuietly(url: string, token: string, tokenId: string): Promise<void> {
  await withServer({ url, token, maxRetries: 0 }, (client) => client.tokens.revoke(tokenId)).catch(() => {})
}

async function logout(options: { url?: string }, io: CliIo): Promise<void> {
  const url = resolveServerUrl(options, io.env)
  const dir = configDir(io.env)
  const saved = findSavedCredential(dir, url)
  if (!saved) return void io.stdout.write(`Not logged in to ${url}; nothing to do.\n`)
  try {
    await withServer({ url, token: saved.token }, (client) => client.tokens.revoke(saved.tokenId))
  } catch (error) {
    // A token that no longer works (expired, revoked, its user gone) only needs forgetting.
    if (!(error instanceof UnauthenticatedError || error instanceof NotFoundError)) throw error
  }
  forgetCredential(dir, url)
  io.stdout.write(`Logged out of ${url}: token ${saved.tokenId} revoked and removed from ${credentialsPath(dir)}.\n`)
}
