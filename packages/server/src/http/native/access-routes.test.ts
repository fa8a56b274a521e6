import { createHash, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_FAILED_LOGINS, MAX_FAILED_LOGINS_FOR_NAME } from '../../domain/auth/authentication.js'
import { SYSTEM_CONTEXT } from '../../domain/auth/principal.js'
import { apiCaller, type CallerCredentials } from '../../test-support/api-caller.js'
import { openTestApp, TEST_ADMIN_PASSWORD } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'

const PASSWORD = 'right-password-1'
const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`
/** A client address of its own, so that the failed sign-ins of one test do not rate-limit another. */
const ownAddress = () => `10.${randomBytes(3).join('.')}`

describe.each(testDialects())('access API on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  const as = (credentials?: CallerCredentials, options: { remoteAddress?: string } = {}) =>
    apiCaller(t.app, { credentials, ...options })
  const admin = () => as({ basic: { username: 'admin', password: TEST_ADMIN_PASSWORD } })

  async function newUser(prefix = 'user') {
    const username = unique(prefix)
    const res = await admin().post('/api/v1/users', { username, password: PASSWORD })
    if (res.status !== 201) throw new Error(`could not create user: ${JSON.stringify(res.body)}`)
    return { username, basic: { basic: { username, password: PASSWORD } } satisfies CallerCredentials }
  }

  async function newToken(credentials: CallerCredentials, body: object = { name: 'ci' }) {
    const res = await as(credentials).post('/api/v1/tokens', body)
    if (res.status !== 201) throw new Error(`could not create token: ${JSON.stringify(res.body)}`)
    return res.body as { token: string; apiToken: { id: string } }
  }

  async function login(username: string, password = PASSWORD, remoteAddress = ownAddress()) {
    return as(undefined, { remoteAddress }).post('/api/v1/auth/login', { username, password })
  }

  const sessionOf = (setCookie: unknown) => /provena_session=([^;]+)/.exec(String(setCookie))?.[1] ?? ''
  const whoami = async (credentials: CallerCredentials) => (await as(credentials).get('/api/v1/auth/whoami')).body

  beforeAll(async () => {
    t = await openTestApp(dialect, { auth: true, defaultPermission: 'NONE' })
  })
  afterAll(async () => t.close())

  describe('users', () => {
    it('creates a user that then appears in the list of users', async () => {
      const username = unique('carol')
      const created = await admin().post('/api/v1/users', { username, password: PASSWORD })
      expect(created).toMatchObject({ status: 201, body: { user: { username, isAdmin: false, isDisabled: false } } })
      expect((await admin().get('/api/v1/users')).body.users).toContainEqual(created.body.user)
    })

    it("stops a disabled user's token, password and session from working", async () => {
      const { username, basic } = await newUser()
      const { token } = await newToken(basic)
      const session = sessionOf((await login(username)).headers['set-cookie'])

      expect((await admin().patch(`/api/v1/users/${username}`, { isDisabled: true })).status).toBe(200)

      expect({
        bearer: (await as({ bearer: token }).get('/api/v1/tokens')).status,
        basic: (await as(basic, { remoteAddress: ownAddress() }).get('/api/v1/tokens')).status,
        session: (await as({ session }).get('/api/v1/tokens')).status,
        login: (await login(username)).status,
      }).toEqual({ bearer: 401, basic: 401, session: 401, login: 401 })
    })
  })

  describe('tokens', () => {
    it('accepts a created token as a bearer token and as the basic-auth password', async () => {
      const { username, basic } = await newUser()
      const { token } = await newToken(basic)
      const expected = { kind: 'user', username, isAdmin: false, isAuthEnabled: true }
      expect(await whoami({ bearer: token })).toEqual(expected)
      expect(await whoami({ basic: { username, password: token } })).toEqual(expected)
    })

    it('stores only the sha256 of a token, never the token itself', async () => {
      const { basic } = await newUser()
      const { token, apiToken } = await newToken(basic)
      const rows = await t.database.db.selectFrom('tokens').selectAll().execute()
      expect(JSON.stringify(rows)).not.toContain(token)
      expect(JSON.stringify(rows)).not.toContain(token.slice(4))
      const stored = rows.find((row) => String(row.id) === apiToken.id)
      expect(stored?.tokenHash).toBe(createHash('sha256').update(token).digest('hex'))
    })

    it('refuses an expired token', async () => {
      const { username, basic } = await newUser()
      const { token, apiToken } = await newToken(basic, { name: 'short', expiresInDays: 1 })
      await t.database.db
        .updateTable('tokens')
        .set({ expiresAtMs: Date.now() - 1 })
        .where('id', '=', Number(apiToken.id))
        .execute()
      const unauthenticated = { code: 'UNAUTHENTICATED', message: 'invalid, expired or revoked token' }
      expect(await as({ bearer: token }).get('/api/v1/tokens')).toMatchObject({
        status: 401,
        body: { error: unauthenticated },
      })
      expect(await as({ basic: { username, password: token } }).get('/api/v1/tokens')).toMatchObject({ status: 401 })
    })

    it('refuses a revoked token, and lists it as revoked', async () => {
      const { basic } = await newUser()
      const { token, apiToken } = await newToken(basic)
      expect((await as(basic).delete(`/api/v1/tokens/${apiToken.id}`)).status).toBe(204)
      expect((await as({ bearer: token }).get('/api/v1/tokens')).status).toBe(401)
      const [listed] = (await as(basic).get('/api/v1/tokens')).body.tokens
      expect(listed).toEqual({ ...apiToken, revokedAtMs: expect.any(Number) })
    })
  })

  describe('sessions', () => {
    it('signs in with an HttpOnly, SameSite=Strict session cookie that authenticates', async () => {
      const { username } = await newUser()
      const res = await login(username)
      expect(res.status).toBe(200)
      expect(res.headers['set-cookie']).toMatch(
        /^provena_session=pvn_[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/,
      )
      expect(await whoami({ session: sessionOf(res.headers['set-cookie']) })).toEqual({
        kind: 'user',
        username,
        isAdmin: false,
        isAuthEnabled: true,
      })
    })

    it('ends the session on logout', async () => {
      const { username } = await newUser()
      const session = sessionOf((await login(username)).headers['set-cookie'])
      const res = await as({ session }).post('/api/v1/auth/logout')
      expect(res.status).toBe(204)
      expect(res.headers['set-cookie']).toBe('provena_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0')
      expect((await as({ session }).get('/api/v1/tokens')).status).toBe(401)
    })

    it('answers 401, not 500, to a session cookie that is not valid percent-encoding', async () => {
      const { basic } = await newUser()
      const { token } = await newToken(basic)
      const garbled = { cookie: 'provena_session=%E0%A4%A' }
      const [alone, withToken] = [
        await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: garbled }),
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/logout',
          headers: { ...garbled, authorization: `Bearer ${token}` },
          payload: {},
        }),
      ]
      expect([alone.statusCode, alone.json().error.code]).toEqual([401, 'UNAUTHENTICATED'])
      expect([withToken.statusCode, withToken.json().error.code]).toEqual([401, 'UNAUTHENTICATED'])
    })

    it('does not take a session secret as an API token, nor a token as a session', async () => {
      const { username, basic } = await newUser()
      const { token } = await newToken(basic)
      const session = sessionOf((await login(username)).headers['set-cookie'])
      expect({
        sessionAsBearer: (await as({ bearer: session }).get('/api/v1/tokens')).status,
        tokenAsSession: (await as({ session: token }).get('/api/v1/tokens')).status,
      }).toEqual({ sessionAsBearer: 401, tokenAsSession: 401 })
    })

    it('answers a wrong password with 401 and records the failed sign-in', async () => {
      const { username } = await newUser()
      const remoteAddress = ownAddress()
      const res = await login(username, 'wrong-password', remoteAddress)
      expect(res.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'invalid credentials' } })
      const { events } = await t.services.audit.list(SYSTEM_CONTEXT, {
        objectId: username,
        action: 'auth.login_failed',
        maxResults: 10,
      })
      expect(events).toEqual([
        expect.objectContaining({
          actor: 'anonymous',
          actorKind: 'anonymous',
          sourceIp: remoteAddress,
          objectType: 'user',
          objectId: username,
          before: null,
          after: null,
          details: { reason: 'wrong password' },
        }),
      ])
    })

    it('refuses the 11th sign-in for a user name from one address within the window, even with the right password', async () => {
      const { username } = await newUser()
      const remoteAddress = ownAddress()
      for (let i = 0; i < MAX_FAILED_LOGINS; i++) {
        expect((await login(username, 'wrong-password', remoteAddress)).status).toBe(401)
      }
      const res = await login(username, PASSWORD, remoteAddress)
      expect(res).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } } })
    })

    it('lets a user sign in from elsewhere when someone failed for that name from one address', async () => {
      const { username } = await newUser()
      const attacker = ownAddress()
      for (let i = 0; i < MAX_FAILED_LOGINS; i++) await login(username, 'wrong-password', attacker)

      expect((await login(username, PASSWORD, attacker)).status).toBe(429)
      expect((await login(username, PASSWORD, ownAddress())).status).toBe(200)
    })

    it('refuses a user name after failures from many addresses add up to the limit for the name', async () => {
      const { username } = await newUser()
      const perAddress = MAX_FAILED_LOGINS - 1
      for (let failed = 0; failed < MAX_FAILED_LOGINS_FOR_NAME; failed += perAddress) {
        const address = ownAddress()
        const attempts = Math.min(perAddress, MAX_FAILED_LOGINS_FOR_NAME - failed)
        for (let i = 0; i < attempts; i++) await login(username, 'wrong-password', address)
      }

      expect((await login(username, PASSWORD, ownAddress())).status).toBe(429)
      // 100 password checks (scrypt, by design slow) take longer than the default on a busy 2-core machine.
    }, 120_000)

    it('refuses the 11th sign-in from one address within the window, whatever the user', async () => {
      const { username } = await newUser()
      const remoteAddress = ownAddress()
      for (let i = 0; i < MAX_FAILED_LOGINS; i++) await login(unique('nobody'), 'wrong-password', remoteAddress)
      expect((await login(username, PASSWORD, remoteAddress)).status).toBe(429)
      expect((await login(username, PASSWORD, ownAddress())).status).toBe(200)
    })
  })

  describe('permissions', () => {
    async function experimentOf(credentials: CallerCredentials) {
      const res = await as(credentials).post('/api/v1/experiments', { name: unique('perm-exp') })
      return `/api/v1/permissions/experiment/${res.body.experiment.id}`
    }

    it('gives the creator of an experiment MANAGE on it', async () => {
      const alice = await newUser('alice')
      const url = await experimentOf(alice.basic)
      expect((await as(alice.basic).get(url)).body).toEqual({
        permissions: [
          { objectType: 'experiment', objectId: url.split('/').pop(), username: alice.username, level: 'MANAGE' },
        ],
      })
    })

    it('lets a MANAGE holder grant access, which the grantee can then use', async () => {
      const [alice, bob] = [await newUser('alice'), await newUser('bob')]
      const url = await experimentOf(alice.basic)
      const experimentUrl = url.replace('permissions/experiment', 'experiments')
      expect((await as(bob.basic).get(experimentUrl)).status).toBe(404)
      const granted = await as(alice.basic).put(url, { username: bob.username, level: 'READ' })
      expect(granted.body).toEqual({
        permission: { objectType: 'experiment', objectId: url.split('/').pop(), username: bob.username, level: 'READ' },
      })
      expect((await as(bob.basic).get(experimentUrl)).status).toBe(200)
      expect((await as(bob.basic).get(url)).body.permissions.map((p: { level: string }) => p.level)).toEqual([
        'MANAGE',
        'READ',
      ])
    })

    it('lets a MANAGE holder revoke a grant, after which the object is invisible again', async () => {
      const [alice, bob] = [await newUser('alice'), await newUser('bob')]
      const url = await experimentOf(alice.basic)
      await as(alice.basic).put(url, { username: bob.username, level: 'EDIT' })
      expect((await as(alice.basic).delete(`${url}/${bob.username}`)).status).toBe(204)
      expect((await as(bob.basic).get(url.replace('permissions/experiment', 'experiments'))).status).toBe(404)
    })

    it('lists to a user only the experiments they hold a grant on', async () => {
      const [alice, bob] = [await newUser('alice'), await newUser('bob')]
      const shared = await as(alice.basic).post('/api/v1/experiments', { name: unique('shared') })
      await as(alice.basic).post('/api/v1/experiments', { name: unique('private') })
      const { id } = shared.body.experiment
      await as(alice.basic).put(`/api/v1/permissions/experiment/${id}`, { username: bob.username, level: 'READ' })
      expect((await as(bob.basic).get('/api/v1/experiments')).body.experiments).toEqual([shared.body.experiment])
    })

    it('refuses grants from a user who holds less than MANAGE', async () => {
      const [alice, bob] = [await newUser('alice'), await newUser('bob')]
      const url = await experimentOf(alice.basic)
      await as(alice.basic).put(url, { username: bob.username, level: 'EDIT' })
      const res = await as(bob.basic).put(url, { username: bob.username, level: 'MANAGE' })
      expect(res).toMatchObject({ status: 403, body: { error: { code: 'PERMISSION_DENIED' } } })
    })
  })

  describe('without access control, behind a Host allow-list', () => {
    let open: Awaited<ReturnType<typeof openTestApp>>
    beforeAll(async () => {
      open = await openTestApp(dialect, { allowedHosts: ['localhost'] })
    })
    afterAll(async () => open.close())

    it('refuses a request for another host name and changes nothing', async () => {
      const name = unique('rebound')
      const res = await apiCaller(open.app, { host: 'evil.example' }).post('/api/v1/experiments', { name })
      expect(res).toMatchObject({
        status: 403,
        body: {
          error: { code: 'PERMISSION_DENIED', message: "host 'evil.example' is not allowed (see --allowed-hosts)" },
        },
      })
      const local = apiCaller(open.app, { host: 'localhost:5100' })
      expect((await local.get(`/api/v1/experiments/by-name/${name}`)).status).toBe(404)
      expect(await open.store.audit.head()).toEqual({ seq: 0, hash: '0'.repeat(64) })
    })

    it('treats every caller as the local admin', async () => {
      expect((await apiCaller(open.app, { host: 'localhost' }).get('/api/v1/auth/whoami')).body).toEqual({
        kind: 'local-admin',
        username: null,
        isAdmin: true,
        isAuthEnabled: false,
      })
    })
  })
})
