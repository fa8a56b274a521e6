import type { User } from '@provena/sdk'
import type { Command } from 'commander'
import { CliError } from '../cli-error.js'
import type { CliIo } from '../cli-io.js'
import { addClientOptions, withClient } from '../client.js'
import type { ClientFlags } from '../config.js'
import { formatJson, formatTimestamp } from '../output/format.js'
import { formatTable } from '../output/table.js'
import { isInteractive, readLine, readPassword } from '../prompt.js'
import { examples } from './help-text.js'

interface PasswordOptions extends ClientFlags {
  passwordStdin?: boolean
}

interface CreateOptions extends PasswordOptions {
  admin?: boolean
  json?: boolean
}

const PASSWORD_HELP =
  'read the password from the first line of standard input (a terminal is otherwise asked twice, without echo)'

/** `provena users create|list|disable|enable|set-password`. */
export function registerUsersCommand(program: Command, io: CliIo): void {
  const users = program
    .command('users')
    .description('manage the local user accounts of a server with --auth (admins only)')
  registerCreate(users, io)
  registerList(users, io)
  registerDisabling(users, io, 'disable')
  registerDisabling(users, io, 'enable')
  registerSetPassword(users, io)
}

/** A new password: from stdin when asked to, else typed twice on a terminal, else the first stdin line. */
async function newPassword(io: CliIo, username: string, isFromStdin: boolean): Promise<string> {
  if (isFromStdin || !isInteractive(io)) return readLine(io.stdin, 'a password')
  const password = await readPassword(io, `New password for ${username}: `)
  if ((await readPassword(io, 'Repeat it: ')) !== password) throw new CliError('the passwords do not match')
  return password
}

function registerCreate(users: Command, io: CliIo): void {
  const create = users
    .command('create')
    .description('create a user (passwords have at least 8 characters)')
    .argument('<name>', 'user name: letters, digits and _ . @ -')
    .option('--admin', 'make the user an admin, who may do anything')
    .option('--password-stdin', PASSWORD_HELP)
    .option('--json', 'print the created user as JSON')
    .addHelpText(
      'after',
      examples(
        'provena users create alice',
        'printf "%s\\n" "$BOB_PASSWORD" | provena users create bob --admin --password-stdin',
      ),
    )
  addClientOptions(create).action(async (username: string, options: CreateOptions) => {
    const password = await newPassword(io, username, options.passwordStdin === true)
    const user = await withClient(options, io.env, (client) =>
      client.users.create({ username, password, isAdmin: options.admin === true }),
    )
    io.stdout.write(
      options.json ? formatJson(user) : `Created ${user.isAdmin ? 'admin' : 'user'} '${user.username}'.\n`,
    )
  })
}

function registerList(users: Command, io: CliIo): void {
  const list = users
    .command('list')
    .description('list every user')
    .option('--json', 'print a JSON array of users instead of a table')
    .addHelpText('after', examples('provena users list', 'provena users list --json'))
  addClientOptions(list).action(async (options: ClientFlags & { json?: boolean }) => {
    const found = await withClient(options, io.env, (client) => client.users.list())
    io.stdout.write(options.json ? formatJson(found) : formatUsers(found))
  })
}

function formatUsers(users: User[]): string {
  if (users.length === 0) return 'No users.\n'
  return formatTable(
    [{ header: 'USERNAME' }, { header: 'ROLE' }, { header: 'STATUS' }, { header: 'CREATED' }],
    users.map((u) => [
      u.username,
      u.isAdmin ? 'admin' : 'user',
      u.isDisabled ? 'disabled' : 'active',
      formatTimestamp(u.createdAtMs),
    ]),
  )
}

function registerDisabling(users: Command, io: CliIo, change: 'disable' | 'enable'): void {
  const description =
    change === 'disable'
      ? 'stop a user from signing in; their tokens and sessions stop working until `users enable`'
      : 'let a disabled user sign in again (their unexpired tokens work again)'
  const command = users
    .command(change)
    .description(description)
    .argument('<name>', 'user name')
    .addHelpText('after', examples(`provena users ${change} alice`))
  addClientOptions(command).action(async (username: string, options: ClientFlags) => {
    await withClient(options, io.env, (client) =>
      change === 'disable' ? client.users.disable(username) : client.users.enable(username),
    )
    io.stdout.write(`${change === 'disable' ? 'Disabled' : 'Enabled'} user '${username}'.\n`)
  })
}

function registerSetPassword(users: Command, io: CliIo): void {
  const command = users
    .command('set-password')
    .description("change a user's password (anyone may change their own; admins anyone's)")
    .argument('<name>', 'user name')
    .option('--password-stdin', PASSWORD_HELP)
    .addHelpText(
      'after',
      examples(
        'provena users set-password admin',
        'printf "%s\\n" "$NEW_PASSWORD" | provena users set-password alice --password-stdin',
      ),
    )
  addClientOptions(command).action(async (username: string, options: PasswordOptions) => {
    const password = await newPassword(io, username, options.passwordStdin === true)
    await withClient(options, io.env, (client) => client.users.update(username, { password }))
    io.stdout.write(`Changed the password of '${username}'.\n`)
  })
}
