import { createHmac, randomUUID } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SYSTEM_CONTEXT } from '../../domain/auth/principal.js'
import { createWebhookDispatcher, MAX_ATTEMPTS } from '../../domain/registry/webhook-dispatcher.js'
import { openTestApp } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'
import { sendWebhook } from '../webhook-sender.js'

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`

/** A receiver on 127.0.0.1 that answers with the given statuses in turn (then 200) and keeps what it got. */
async function receiver(statuses: number[] = []) {
  const received: { headers: IncomingHttpHeaders; body: string }[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
    req.on('end', () => {
      received.push({ headers: req.headers, body })
      res.statusCode = statuses.shift() ?? 200
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => server.close(),
  }
}

describe.each(testDialects())('registry webhooks on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  let offsetMs = 0
  const clock = { nowMs: () => Date.now() + offsetMs }
  const dispatcher = () =>
    createWebhookDispatcher({
      store: t.store,
      clock,
      send: sendWebhook,
      allowedHosts: ['127.0.0.1'],
      resolveHost: async () => [],
    })

  beforeAll(async () => {
    t = await openTestApp(dialect, { webhookAllowedHosts: ['127.0.0.1'] })
  })
  afterAll(async () => t.close())

  const post = async (url: string, payload: object) => {
    const res = await t.app.inject({ method: 'POST', url, payload })
    return { status: res.statusCode, body: res.json() }
  }

  /** A model with a run holding `model.bin`, ready to register versions from. */
  async function model() {
    const name = unique('hooked')
    await t.services.models.create(SYSTEM_CONTEXT, { name })
    const experiment = await t.services.experiments.create(SYSTEM_CONTEXT, { name: unique('e') })
    const run = await t.services.runs.create(SYSTEM_CONTEXT, { experimentId: experiment.id, status: 'RUNNING' })
    await t.services.artifacts.upload(SYSTEM_CONTEXT, run.id, 'model.bin', Readable.from([Buffer.from(name)]))
    const register = () =>
      t.services.models.registerVersion(SYSTEM_CONTEXT, name, { source: `runs:/${run.id}/model.bin` })
    return { name, register }
  }

  it('signs and delivers a registry event to a subscribed URL, and shows the outcome', async () => {
    const target = await receiver()
    const { name, register } = await model()
    const created = await post(`/api/v1/models/${name}/webhooks`, {
      url: target.url,
      events: ['model_version.created'],
    })
    await register()

    await dispatcher().deliverDue()
    const deliveries = await t.app.inject({
      url: `/api/v1/models/${name}/webhooks/${created.body.webhook.id}/deliveries`,
    })

    const [got] = target.received
    const expectedSignature = `sha256=${createHmac('sha256', created.body.secret)
      .update(got?.body ?? '')
      .digest('hex')}`
    expect(created.status).toBe(201)
    expect(got?.headers['x-provena-event']).toBe('model_version.created')
    expect(got?.headers['x-provena-signature']).toBe(expectedSignature)
    expect(JSON.parse(got?.body ?? '{}')).toMatchObject({
      event: 'model_version.created',
      model: name,
      data: { version: 1 },
    })
    expect(deliveries.json().deliveries).toEqual([
      expect.objectContaining({
        event: 'model_version.created',
        status: 'SUCCEEDED',
        attempts: 1,
        lastStatusCode: 200,
      }),
    ])
    target.close()
  })

  it('retries a failed delivery with backoff, and gives up after the last attempt', async () => {
    const flaky = await receiver([500])
    const down = await receiver(Array.from({ length: MAX_ATTEMPTS }, () => 503))
    const { name, register } = await model()
    const retried = await post(`/api/v1/models/${name}/webhooks`, { url: flaky.url })
    const failing = await post(`/api/v1/models/${name}/webhooks`, { url: down.url })
    await register()

    await dispatcher().deliverDue()
    const tooEarly = await dispatcher().deliverDue()
    for (let i = 1; i < MAX_ATTEMPTS; i++) {
      offsetMs += 10_000 * 4 ** (i - 1) + 1000
      await dispatcher().deliverDue()
    }
    const outcome = async (id: string) =>
      (await t.app.inject({ url: `/api/v1/models/${name}/webhooks/${id}/deliveries` })).json().deliveries[0]

    expect(tooEarly).toBe(0)
    expect(await outcome(retried.body.webhook.id)).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 2,
      lastStatusCode: 200,
    })
    expect(await outcome(failing.body.webhook.id)).toMatchObject({
      status: 'FAILED',
      attempts: MAX_ATTEMPTS,
      lastStatusCode: 503,
      lastError: 'the receiver answered 503',
      nextAttemptAtMs: null,
    })
    expect(flaky.received).toHaveLength(2)
    flaky.close()
    down.close()
  })

  it('announces alias moves and promotions only to the webhooks subscribed to them', async () => {
    const target = await receiver()
    const { name, register } = await model()
    await post(`/api/v1/models/${name}/webhooks`, { url: target.url, events: ['alias.moved'] })
    await register()
    await t.services.aliases.set(SYSTEM_CONTEXT, name, 'champion', { version: 1 })

    await dispatcher().deliverDue()

    expect(target.received.map((r) => JSON.parse(r.body).data)).toEqual([
      expect.objectContaining({ alias: 'champion', fromVersion: null, toVersion: 1, kind: 'set' }),
    ])
    target.close()
  })

  it.each([
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data'],
    ['a private network address', 'http://10.1.2.3/hook'],
    ['a name that resolves to loopback', 'http://localhost:9/hook'],
    ['an IPv6 loopback', 'http://[::1]:9/hook'],
    ['a scheme other than http', 'ftp://example.com/hook'],
  ])('refuses a webhook to %s and keeps none', async (_, url) => {
    const { name } = await model()

    const res = await post(`/api/v1/models/${name}/webhooks`, { url })

    expect(res.status).toBe(400)
    expect((await t.app.inject({ url: `/api/v1/models/${name}/webhooks` })).json().webhooks).toEqual([])
  })
})
