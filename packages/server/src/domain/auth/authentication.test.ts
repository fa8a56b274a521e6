import { RateLimitedError, UnauthenticatedError } from '@provena/contract'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type Services } from '../../services.js'
import { createTestBlobStore, openTestStore } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'
import { generateSignerKey } from '../audit/signed-note.js'
import { MAX_FAILED_LOGINS } from './authentication.js'
import { LOCAL_ADMIN, type RequestContext } from './principal.js'

const PASSWORD = 'right-password-1'

/** Sign-ins that reach the domain without a client address (no HTTP request behind them). */
describe.each(testDialects())('failed sign-ins without a client address on %s', (dialect) => {
  let services: Services
  let close: () => Promise<void>
  beforeAll(async () => {
    const opened = await openTestStore(dialect)
    services = createServices({
      store: opened.store,
      blobs: createTestBlobStore(),
      signerKey: generateSignerKey('provena-test'),
      isAuthEnabled: true,
    })
    close = () => opened.database.close()
  })
  afterAll(async () => close())

  it('are counted per user name, and lock that name after the limit', async () => {
    const admin: RequestContext = { principal: LOCAL_ADMIN, sourceIp: null, requestId: null }
    await services.accounts.createUser(admin, { username: 'no-address', password: PASSWORD })
    const ctx: RequestContext = { principal: { kind: 'anonymous' }, sourceIp: null, requestId: null }

    for (let i = 0; i < MAX_FAILED_LOGINS; i++) {
      await expect(services.accounts.login(ctx, 'no-address', 'wrong-password')).rejects.toThrow(UnauthenticatedError)
    }

    await expect(services.accounts.login(ctx, 'no-address', PASSWORD)).rejects.toThrow(RateLimitedError)
  })
})
