import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ADMIN,
  ALICE_PASSWORD,
  type Api,
  expectedEvent as event,
  openAuditedApp,
  unique,
} from '../../test-support/audited-app.js'
import { testDialects } from '../../test-support/test-databases.js'

describe.each(testDialects())('audit trail of access control on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openAuditedApp>>
  beforeAll(async () => {
    t = await openAuditedApp(dialect)
  })
  afterAll(async () => t.close())

  describe('appends exactly one event for', () => {
    it('each change to users and tokens', async () => {
      const username = unique('dave')
      const created = await t.appended(
        (api) => api.post('/api/v1/users', { username, password: ALICE_PASSWORD }),
        ADMIN,
      )
      const user = created.res.body.user
      const updated = await t.appended((api) => api.patch(`/api/v1/users/${username}`, { isAdmin: true }), ADMIN)
      const token = await t.appended((api) => api.post('/api/v1/tokens', { name: 'nightly' }))
      const { apiToken } = token.res.body
      const revoked = await t.appended((api) => api.delete(`/api/v1/tokens/${apiToken.id}`))
      const byAdmin = { actor: 'admin', actorKind: 'user' }
      expect([created, updated, token, revoked].map((a) => a.events)).toEqual([
        [
          event(created.requestId, {
            ...byAdmin,
            action: 'user.create',
            objectType: 'user',
            objectId: username,
            after: user,
          }),
        ],
        [
          event(updated.requestId, {
            ...byAdmin,
            action: 'user.update',
            objectType: 'user',
            objectId: username,
            before: user,
            after: { ...user, isAdmin: true },
          }),
        ],
        [
          event(token.requestId, {
            action: 'token.create',
            objectType: 'token',
            objectId: apiToken.id,
            after: apiToken,
          }),
        ],
        [
          event(revoked.requestId, {
            action: 'token.revoke',
            objectType: 'token',
            objectId: apiToken.id,
            before: { name: 'nightly' },
          }),
        ],
      ])
    })

    it('each sign-in, failed sign-in and sign-out', async () => {
      const login = (password: string) => (api: Api) => api.post('/api/v1/auth/login', { username: 'alice', password })
      const failed = await t.appended(login('wrong-password'), null)
      const signedIn = await t.appended(login(ALICE_PASSWORD), null)
      const session = /provena_session=([^;]+)/.exec(String(signedIn.res.headers['set-cookie']))?.[1] ?? ''
      const signedOut = await t.appended((api) => api.post('/api/v1/auth/logout'), { session })
      const on = { objectType: 'user', objectId: 'alice' }
      const asAlice = { actor: 'alice', actorKind: 'user' }
      expect([failed, signedIn, signedOut].map((a) => a.events)).toEqual([
        [
          event(failed.requestId, {
            ...on,
            actor: 'anonymous',
            actorKind: 'anonymous',
            action: 'auth.login_failed',
            details: { reason: 'wrong password' },
          }),
        ],
        [event(signedIn.requestId, { ...on, ...asAlice, action: 'auth.login' })],
        [event(signedOut.requestId, { ...on, ...asAlice, action: 'auth.logout' })],
      ])
    })

    it('each grant and revocation of a permission', async () => {
      const experimentId = (await t.newExperiment()).id
      const url = `/api/v1/permissions/experiment/${experimentId}`
      const granted = await t.appended((api) => api.put(url, { username: 'admin', level: 'EDIT' }))
      const revoked = await t.appended((api) => api.delete(`${url}/admin`))
      const permission = { objectType: 'experiment', objectId: experimentId, username: 'admin', level: 'EDIT' }
      const on = { objectType: 'experiment', objectId: experimentId }
      expect([granted.events, revoked.events]).toEqual([
        [event(granted.requestId, { ...on, action: 'permission.grant', after: permission })],
        [event(revoked.requestId, { ...on, action: 'permission.revoke', before: permission })],
      ])
    })
  })
})
