import { randomBytes } from 'node:crypto'
import { expect } from 'vitest'
import { rowToEvent } from '../domain/audit/audit-log.js'
import type { DialectKind } from '../storage/db/dialects/dialect-kind.js'
import { apiCaller, type CallerAnswer, type CallerCredentials } from './api-caller.js'
import { openTestApp, TEST_ADMIN_PASSWORD } from './test-app.js'

/** The client address every request of `appended` comes from. */
export const CLIENT_ADDRESS = '198.51.100.23'
export const ALICE_PASSWORD = 'alice-password-1'
export const ADMIN: CallerCredentials = { basic: { username: 'admin', password: TEST_ADMIN_PASSWORD } }
export const ALICE: CallerCredentials = { basic: { username: 'alice', password: ALICE_PASSWORD } }

const HEX_HASH = /^[0-9a-f]{64}$/

export const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`

export type Api = ReturnType<typeof apiCaller>

/**
 * The app with access control on, a user `alice` with a token named `ci`, and a way to see exactly
 * which audit events one request appends.
 */
export async function openAuditedApp(dialect: DialectKind) {
  const t = await openTestApp(dialect, { auth: true })
  await apiCaller(t.app, { credentials: ADMIN }).post('/api/v1/users', { username: 'alice', password: ALICE_PASSWORD })
  const created = await apiCaller(t.app, { credentials: ALICE }).post('/api/v1/tokens', { name: 'ci' })
  const aliceToken: CallerCredentials = { bearer: created.body.token }
  const alice = () => apiCaller(t.app, { credentials: aliceToken })
  const newExperiment = async () => (await alice().post('/api/v1/experiments', { name: unique('exp') })).body.experiment

  return {
    ...t,
    aliceToken,
    alice,
    newExperiment,
    async newRun(body: object = {}) {
      return (await alice().post('/api/v1/runs', { experimentId: (await newExperiment()).id, ...body })).body.run
    },

    /**
     * Runs `act` as a caller (alice's token unless given; null: anonymous) from CLIENT_ADDRESS with
     * a request id of its own; returns the answer, that request id and the events it appended.
     */
    async appended(act: (api: Api) => Promise<CallerAnswer>, credentials: CallerCredentials | null = aliceToken) {
      const requestId = unique('req')
      const { seq } = await t.store.audit.head()
      const res = await act(
        apiCaller(t.app, { credentials: credentials ?? undefined, remoteAddress: CLIENT_ADDRESS, requestId }),
      )
      const events = (await t.store.audit.range(seq, 100)).map(rowToEvent)
      return { res, events, requestId }
    },
  }
}

/** The event a request with `requestId` by alice's token appends, unless `fields` say otherwise. */
export function expectedEvent(requestId: string, fields: Record<string, unknown>) {
  return {
    seq: expect.any(Number),
    timeMs: expect.any(Number),
    actor: 'alice/token:ci',
    actorKind: 'token',
    sourceIp: CLIENT_ADDRESS,
    requestId,
    before: null,
    after: null,
    details: null,
    prevHash: expect.stringMatching(HEX_HASH),
    hash: expect.stringMatching(HEX_HASH),
    ...fields,
  }
}
