import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildCli,
  type CliServer,
  cleanEnv,
  runCli,
  startCliServer,
  stopCliServer,
  tempDir,
} from '../test-support/cli-process.js'
import { uniqueName } from '../test-support/seed.js'

const ADMIN_PASSWORD = 'cli-admin-password'

let server: CliServer
/** An environment whose config dir holds the admin's saved login. */
let adminEnv: NodeJS.ProcessEnv

beforeAll(async () => {
  await buildCli()
  const env = cleanEnv({ PROVENA_ADMIN_PASSWORD: ADMIN_PASSWORD })
  server = await startCliServer(['--auth', '--port', '0', '--data-dir', tempDir(), '--log-level', 'warn'], env)
  adminEnv = cleanEnv()
  const login = await runCli(['login', '--url', server.url, '--username', 'admin'], adminEnv, `${ADMIN_PASSWORD}\n`)
  if (login.code !== 0) throw new Error(`admin login failed: ${login.stderr}`)
})

afterAll(() => stopCliServer(server))

/** `provena <args> --url <server>` as the signed-in admin. */
const asAdmin = (...args: string[]) => runCli([...args, '--url', server.url], adminEnv)

/** A new user with a password, created over the CLI. */
async function createUser(password = 'user-password-1'): Promise<string> {
  const username = uniqueName('user')
  const created = await runCli(
    ['users', 'create', username, '--password-stdin', '--url', server.url],
    adminEnv,
    `${password}\n`,
  )
  if (created.code !== 0) throw new Error(`users create failed: ${created.stderr}`)
  return username
}

function login(username: string, password: string, env = cleanEnv()) {
  return runCli(['login', '--url', server.url, '--username', username], env, `${password}\n`)
}

describe('provena login and logout', () => {
  it('saves a token for the URL in a file only its owner can read, which later commands use', async () => {
    const configDir = tempDir()
    const env = cleanEnv({ PROVENA_CONFIG_DIR: configDir })

    const result = await login('admin', ADMIN_PASSWORD, env)
    const created = await runCli(['experiments', 'create', uniqueName('saved-token'), '--url', server.url], env)

    const file = path.join(configDir, 'credentials.json')
    expect(result).toMatchObject({ code: 0, stderr: '' })
    expect(result.stdout).toMatch(
      new RegExp(
        `^Logged in to ${server.url} as admin\\. Token 'cli@[^']+' \\(id \\d+, expires .+\\) saved in ${file}\\.\\n$`,
      ),
    )
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      [server.url]: {
        token: expect.stringMatching(/^pvn_/),
        tokenId: expect.stringMatching(/^\d+$/),
        username: 'admin',
      },
    })
    expect(created.code).toBe(0)
  })

  it('refuses a wrong password and saves nothing', async () => {
    const configDir = tempDir()

    const result = await login('admin', 'not-the-password', cleanEnv({ PROVENA_CONFIG_DIR: configDir }))

    expect(result).toMatchObject({ code: 1, stderr: 'provena: sign-in failed: invalid credentials\n' })
    expect(() => statSync(path.join(configDir, 'credentials.json'))).toThrow(/ENOENT/)
  })

  it('revokes the saved token on logout and forgets it', async () => {
    const configDir = tempDir()
    const env = cleanEnv({ PROVENA_CONFIG_DIR: configDir })
    await login('admin', ADMIN_PASSWORD, env)
    const { token } = JSON.parse(readFileSync(path.join(configDir, 'credentials.json'), 'utf8'))[server.url]

    const result = await runCli(['logout', '--url', server.url], env)
    const withoutLogin = await runCli(['experiments', 'list', '--url', server.url], env)
    const withOldToken = await runCli(['experiments', 'list', '--url', server.url, '--token', token])

    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Logged out of .*: token \d+ revoked/) })
    expect(JSON.parse(readFileSync(path.join(configDir, 'credentials.json'), 'utf8'))).toEqual({})
    expect(withoutLogin).toMatchObject({
      code: 1,
      stderr: `provena: authentication required — sign in with \`provena login --url ${server.url}\`, or pass --token / set PROVENA_TOKEN\n`,
    })
    expect(withOldToken.stderr).toMatch(/^provena: invalid, expired or revoked token — sign in again/)
  })

  it('prefers PROVENA_TOKEN over the saved token', async () => {
    const result = await runCli(['experiments', 'list', '--url', server.url], {
      ...adminEnv,
      PROVENA_TOKEN: 'pvn_not-a-real-token',
    })

    expect(result.code).toBe(1)
    expect(result.stderr).toContain('invalid, expired or revoked token')
  })
})

describe('provena users', () => {
  it('creates a user with a password from stdin and lists it', async () => {
    const username = await createUser()

    const table = await asAdmin('users', 'list')
    const json = await asAdmin('users', 'list', '--json')

    expect(table.stdout).toMatch(new RegExp(`^${username}\\s+user\\s+active\\s+\\d{4}-`, 'm'))
    expect(JSON.parse(json.stdout)).toContainEqual({
      id: expect.any(String),
      username,
      isAdmin: false,
      isDisabled: false,
      createdAtMs: expect.any(Number),
    })
  })

  it('disables a user, who then cannot sign in, and enables them again', async () => {
    const username = await createUser('bob-password-1')

    const disabled = await asAdmin('users', 'disable', username)
    const refused = await login(username, 'bob-password-1')
    const enabled = await asAdmin('users', 'enable', username)
    const accepted = await login(username, 'bob-password-1')

    expect(disabled.stdout).toBe(`Disabled user '${username}'.\n`)
    expect(refused.code).toBe(1)
    expect(enabled.stdout).toBe(`Enabled user '${username}'.\n`)
    expect(accepted.code).toBe(0)
  })

  it('sets a new password from stdin', async () => {
    const username = await createUser('old-password-1')

    const changed = await runCli(
      ['users', 'set-password', username, '--password-stdin', '--url', server.url],
      adminEnv,
      'new-password-1\n',
    )

    expect(changed.stdout).toBe(`Changed the password of '${username}'.\n`)
    expect((await login(username, 'old-password-1')).code).toBe(1)
    expect((await login(username, 'new-password-1')).code).toBe(0)
  })

  it('refuses a user who is not an admin', async () => {
    const username = await createUser('carol-password')
    const env = cleanEnv()
    await login(username, 'carol-password', env)

    const result = await runCli(['users', 'list', '--url', server.url], env)

    expect(result).toMatchObject({ code: 1, stderr: 'provena: only an admin may do this\n' })
  })
})

describe('provena tokens', () => {
  it('prints only the new token on stdout, warns on stderr that it is shown once, and the token works', async () => {
    const username = await createUser()

    const created = await asAdmin('tokens', 'create', 'ci', '--user', username, '--expires-in-days', '7')
    const whoUses = await runCli(['experiments', 'list', '--url', server.url, '--token', created.stdout.trim()])

    expect(created.code).toBe(0)
    expect(created.stdout).toMatch(/^pvn_[\w-]+\n$/)
    expect(created.stderr).toMatch(new RegExp(`^Created token 'ci' \\(id \\d+\\) for ${username}; it expires .*\\n`))
    expect(created.stderr).toContain('it cannot be shown again')
    expect(whoUses.code).toBe(0)
  })

  it("lists a user's tokens, and revokes one, which then stops working", async () => {
    const username = await createUser()
    const token = (await asAdmin('tokens', 'create', 'laptop', '--user', username)).stdout.trim()
    const [listed] = JSON.parse((await asAdmin('tokens', 'list', '--user', username, '--json')).stdout)

    const revoked = await asAdmin('tokens', 'revoke', listed.id)
    const table = await asAdmin('tokens', 'list', '--user', username)
    const refused = await runCli(['experiments', 'list', '--url', server.url, '--token', token])

    expect(listed).toMatchObject({ name: 'laptop', username, expiresAtMs: null, revokedAtMs: null })
    expect(revoked.stdout).toBe(`Revoked token ${listed.id}.\n`)
    expect(table.stdout).toMatch(
      new RegExp(`^\\s*${listed.id}\\s+laptop\\s+${username}\\s+revoked\\s+\\S+ \\S+\\s+never$`, 'm'),
    )
    expect(refused.code).toBe(1)
  })
})

describe('provena permissions', () => {
  it('grants, lists and revokes a permission on an experiment named by name', async () => {
    const username = await createUser()
    const name = uniqueName('perm')
    await asAdmin('experiments', 'create', name)

    const granted = await asAdmin('permissions', 'grant', 'experiment', name, username, 'EDIT')
    const listed = await asAdmin('permissions', 'list', 'experiment', name)
    const revoked = await asAdmin('permissions', 'revoke', 'experiment', name, username)
    const after = await asAdmin('permissions', 'list', 'experiment', name, '--json')

    expect(granted.stdout).toMatch(new RegExp(`^Granted EDIT on experiment \\d+ to ${username}\\.\\n$`))
    expect(listed.stdout).toMatch(
      new RegExp(`^USER +LEVEL\\n(admin +MANAGE\\n${username} +EDIT|${username} +EDIT\\nadmin +MANAGE)\\n$`),
    )
    expect(revoked.stdout).toMatch(new RegExp(`^Revoked the grant of ${username} on experiment \\d+\\.\\n$`))
    expect(JSON.parse(after.stdout).map((p: { username: string }) => p.username)).toEqual(['admin'])
  })

  it('rejects a level that does not exist as a usage error', async () => {
    const result = await asAdmin('permissions', 'grant', 'experiment', '1', 'someone', 'OWNER')

    expect(result.code).toBe(2)
    expect(result.stderr).toContain(
      "command-argument value 'OWNER' is invalid for argument 'level'. Allowed choices are READ, EDIT, MANAGE.",
    )
  })
})
