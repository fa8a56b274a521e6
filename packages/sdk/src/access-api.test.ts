import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestApp, TEST_ADMIN_PASSWORD } from '../../server/src/test-support/test-app.js'
import { NotFoundError, PermissionDeniedError, Provena, UnauthenticatedError } from './index.js'

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`

describe('users, tokens, permissions and sign-in through the SDK, with auth on', () => {
  let server: Awaited<ReturnType<typeof openTestApp>>
  let url: string
  let admin: Provena
  beforeAll(async () => {
    server = await openTestApp('sqlite', { auth: true })
    url = await server.app.listen({ host: '127.0.0.1', port: 0 })
    admin = new Provena({ url, username: 'admin', password: TEST_ADMIN_PASSWORD, maxRetries: 0 })
  })
  afterAll(async () => server.close())

  /** A new user and a client that acts as them through a fresh token. */
  async function signedInUser(options: { isAdmin?: boolean } = {}) {
    const username = unique('user')
    const password = 'password-of-user'
    await admin.users.create({ username, password, isAdmin: options.isAdmin ?? false })
    const { token } = await new Provena({ url, username, password }).tokens.create({ name: 'test' })
    return { username, password, token, client: new Provena({ url, token, maxRetries: 0 }) }
  }

  it('creates a token with a password, shown once, that then acts as its user', async () => {
    const created = await admin.tokens.create({ name: 'sdk-test', expiresInDays: 1 })

    const whoami = await new Provena({ url, token: created.token }).auth.whoami()

    expect(created).toEqual({
      token: expect.stringMatching(/^pvn_/),
      apiToken: {
        id: expect.stringMatching(/^\d+$/),
        name: 'sdk-test',
        username: 'admin',
        createdAtMs: expect.any(Number),
        expiresAtMs: created.apiToken.createdAtMs + 24 * 60 * 60 * 1000,
        revokedAtMs: null,
      },
    })
    expect(whoami).toEqual({ kind: 'user', username: 'admin', isAdmin: true, isAuthEnabled: true })
  })

  it('says a client without credentials is anonymous', async () => {
    expect(await new Provena({ url }).auth.whoami()).toEqual({
      kind: 'anonymous',
      username: null,
      isAdmin: false,
      isAuthEnabled: true,
    })
  })

  it('rejects a wrong password with UnauthenticatedError', async () => {
    const client = new Provena({ url, username: 'admin', password: 'not-the-password', maxRetries: 0 })

    await expect(client.tokens.create({ name: 'nope' })).rejects.toThrow(UnauthenticatedError)
  })

  it('sends a password with non-ASCII characters as UTF-8', async () => {
    const username = unique('utf8')
    const password = 'pässwörd-✓-密码'
    await admin.users.create({ username, password })

    const whoami = await new Provena({ url, username, password }).auth.whoami()

    expect(whoami.username).toBe(username)
  })

  it('creates, lists, disables and enables users; a disabled user cannot act', async () => {
    const { username, client } = await signedInUser()

    const disabled = await admin.users.disable(username)
    const refused = await client.experiments.list().catch((e: unknown) => e)
    const enabled = await admin.users.enable(username)
    const listed = (await admin.users.list()).find((user) => user.username === username)

    expect(disabled).toEqual({
      id: expect.any(String),
      username,
      isAdmin: false,
      isDisabled: true,
      createdAtMs: expect.any(Number),
    })
    expect(refused).toBeInstanceOf(UnauthenticatedError)
    expect(enabled.isDisabled).toBe(false)
    expect(listed).toEqual(enabled)
    await expect(client.experiments.list()).resolves.toBeDefined()
  })

  it('lets only admins list users', async () => {
    const { client } = await signedInUser()

    await expect(client.users.list()).rejects.toThrow(PermissionDeniedError)
  })

  it('lists a user their own tokens and revokes one (twice is fine), after which it no longer works', async () => {
    const { username, client, token } = await signedInUser()
    const [apiToken] = await client.tokens.list()

    await client.tokens.revoke(apiToken?.id ?? '')
    await admin.tokens.revoke(apiToken?.id ?? '')

    expect(apiToken).toMatchObject({ name: 'test', username, revokedAtMs: null })
    expect((await admin.tokens.list({ username }))[0]?.revokedAtMs).toEqual(expect.any(Number))
    await expect(new Provena({ url, token, maxRetries: 0 }).auth.whoami()).resolves.toMatchObject({ kind: 'anonymous' })
    await expect(new Provena({ url, token, maxRetries: 0 }).tokens.list()).rejects.toThrow(UnauthenticatedError)
  })

  it('lets an admin create a token for another user', async () => {
    const { username } = await signedInUser()

    const { token } = await admin.tokens.create({ name: 'for-user', username })

    expect((await new Provena({ url, token }).auth.whoami()).username).toBe(username)
  })

  it('grants, lists and revokes a permission on an experiment', async () => {
    const { username } = await signedInUser()
    const experiment = await admin.experiments.create({ name: unique('perm') })

    const granted = await admin.permissions.grant('experiment', experiment.id, username, 'EDIT')
    const listed = await admin.permissions.list('experiment', experiment.id)
    await admin.permissions.revoke('experiment', experiment.id, username)
    const afterRevoke = await admin.permissions.list('experiment', experiment.id)

    const creator = { objectType: 'experiment', objectId: experiment.id, username: 'admin', level: 'MANAGE' }
    const expected = { objectType: 'experiment', objectId: experiment.id, username, level: 'EDIT' }
    expect({ granted, listed, afterRevoke }).toEqual({
      granted: expected,
      listed: expect.arrayContaining([creator, expected]),
      afterRevoke: [creator],
    })
    expect(listed).toHaveLength(2)
  })

  it('rejects revoking a permission that was never granted with NotFoundError', async () => {
    const { username } = await signedInUser()
    const experiment = await admin.experiments.create({ name: unique('perm-none') })

    await expect(admin.permissions.revoke('experiment', experiment.id, username)).rejects.toThrow(NotFoundError)
  })

  it('rejects a grant by a user without MANAGE with PermissionDeniedError', async () => {
    const { username, client } = await signedInUser()
    const experiment = await admin.experiments.create({ name: unique('perm-denied') })

    await expect(client.permissions.grant('experiment', experiment.id, username, 'MANAGE')).rejects.toThrow(
      PermissionDeniedError,
    )
  })
})
