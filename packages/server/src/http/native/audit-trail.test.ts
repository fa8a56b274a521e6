import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rowToEvent } from '../../domain/audit/audit-log.js'
import { apiCaller } from '../../test-support/api-caller.js'
import {
  ADMIN,
  ALICE,
  type Api,
  CLIENT_ADDRESS,
  expectedEvent as event,
  openAuditedApp,
  unique,
} from '../../test-support/audited-app.js'
import { documentedBatchSha256 } from '../../test-support/batch-digest.js'
import { openTestApp } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'

describe.each(testDialects())('audit trail of the API on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openAuditedApp>>
  beforeAll(async () => {
    t = await openAuditedApp(dialect)
  })
  afterAll(async () => t.close())

  describe('names the actor', () => {
    const create = (api: Api) => api.post('/api/v1/experiments', { name: unique('exp') })

    it.each([
      ['admin', 'a password', 'admin', 'user'],
      ['alice', 'a password', 'alice', 'user'],
      ['alice', 'a token', 'alice/token:ci', 'token'],
    ])('%s signed in with %s as %s', async (who, how, actor, actorKind) => {
      const credentials = how === 'a token' ? t.aliceToken : who === 'admin' ? ADMIN : ALICE
      const { res, events, requestId } = await t.appended(create, credentials)
      const objectId = res.body.experiment.id
      expect(events).toEqual([
        event(requestId, {
          actor,
          actorKind,
          action: 'experiment.create',
          objectType: 'experiment',
          objectId,
          after: res.body.experiment,
        }),
      ])
    })

    it('local-admin when access control is off', async () => {
      const open = await openTestApp(dialect)
      try {
        const res = await apiCaller(open.app, { remoteAddress: CLIENT_ADDRESS, requestId: 'req-open' }).post(
          '/api/v1/experiments',
          { name: 'open' },
        )
        const events = (await open.store.audit.range(0, 100)).map(rowToEvent)
        expect(events).toEqual([
          event('req-open', {
            actor: 'local-admin',
            actorKind: 'local-admin',
            action: 'experiment.create',
            objectType: 'experiment',
            objectId: res.body.experiment.id,
            after: res.body.experiment,
          }),
        ])
      } finally {
        await open.close()
      }
    })
  })

  describe('appends exactly one event for', () => {
    it('each change to an experiment, with the experiment before and after', async () => {
      const created = await t.newExperiment()
      const url = `/api/v1/experiments/${created.id}`
      const updated = await t.appended((api) => api.patch(url, { description: 'tuned' }))
      const deleted = await t.appended((api) => api.delete(url))
      const afterDelete = (await t.alice().get(url)).body.experiment
      const restored = await t.appended((api) => api.post(`${url}/restore`))
      const on = { objectType: 'experiment', objectId: created.id }
      expect([updated.events, deleted.events, restored.events]).toEqual([
        [
          event(updated.requestId, {
            ...on,
            action: 'experiment.update',
            before: created,
            after: updated.res.body.experiment,
          }),
        ],
        [
          event(deleted.requestId, {
            ...on,
            action: 'experiment.delete',
            before: updated.res.body.experiment,
            after: afterDelete,
          }),
        ],
        [
          event(restored.requestId, {
            ...on,
            action: 'experiment.restore',
            before: afterDelete,
            after: restored.res.body.experiment,
          }),
        ],
      ])
    })

    it('each change to a run, with what changed before and after', async () => {
      const experimentId = (await t.newExperiment()).id
      const created = await t.appended((api) => api.post('/api/v1/runs', { experimentId }))
      const run = created.res.body.run
      const url = `/api/v1/runs/${run.id}`
      const updated = await t.appended((api) => api.patch(url, { status: 'FINISHED' }))
      const tagged = await t.appended((api) => api.put(`${url}/tags/stage`, { value: 'prod' }))
      const untagged = await t.appended((api) => api.delete(`${url}/tags/stage`))
      const deleted = await t.appended((api) => api.delete(url))
      const restored = await t.appended((api) => api.post(`${url}/restore`))
      const on = { objectType: 'run', objectId: run.id }
      expect([created, updated, tagged, untagged, deleted, restored].map((a) => a.events)).toEqual([
        [event(created.requestId, { ...on, action: 'run.create', after: run })],
        [event(updated.requestId, { ...on, action: 'run.update', before: run, after: updated.res.body.run })],
        [event(tagged.requestId, { ...on, action: 'run.set_tag', before: { stage: null }, after: { stage: 'prod' } })],
        [
          event(untagged.requestId, {
            ...on,
            action: 'run.delete_tag',
            before: { stage: 'prod' },
            after: { stage: null },
          }),
        ],
        [
          event(deleted.requestId, {
            ...on,
            action: 'run.delete',
            before: { lifecycle: 'active' },
            after: { lifecycle: 'deleted' },
          }),
        ],
        [
          event(restored.requestId, {
            ...on,
            action: 'run.restore',
            before: { lifecycle: 'deleted' },
            after: { lifecycle: 'active' },
          }),
        ],
      ])
    })

    it('a metric batch, with its size and the sha256 of its content', async () => {
      const run = await t.newRun()
      const batch = {
        metrics: [
          { key: 'loss', value: 0.5, step: 1, timestampMs: 1000 },
          { key: 'loss', value: 'NaN', step: 2, timestampMs: 2000 },
        ],
        params: [{ key: 'lr', value: '0.1' }],
        tags: [{ key: 'stage', value: 'dev' }],
      }
      const { events, requestId } = await t.appended((api) => api.post(`/api/v1/runs/${run.id}/batch`, batch))
      // The digest format of docs/audit-format.md, written out by hand.
      const point = (value: number, step: number, timestampMs: number) => {
        const numbers = Buffer.alloc(24)
        numbers.writeDoubleBE(value, 0)
        numbers.writeDoubleBE(step, 8)
        numbers.writeDoubleBE(timestampMs, 16)
        return Buffer.concat([Buffer.from([0, 0, 0, 4]), Buffer.from('loss'), numbers])
      }
      const content = Buffer.concat([
        Buffer.from('provena-metric-batch-v1\n'),
        Buffer.from([0, 0, 0, 2]),
        point(0.5, 1, 1000),
        point(Number.NaN, 2, 2000),
        Buffer.from('{"params":[{"key":"lr","value":"0.1"}],"tags":[{"key":"stage","value":"dev"}]}'),
      ])
      expect(events).toEqual([
        event(requestId, {
          action: 'run.log_batch',
          objectType: 'run',
          objectId: run.id,
          details: {
            metrics: 2,
            params: 1,
            tags: 1,
            idempotencyKey: null,
            digestFormat: 'provena-metric-batch-v1',
            sha256: createHash('sha256').update(content).digest('hex'),
          },
        }),
      ])
    })
    it('a metric batch with points in columns: the points of `metrics` first, then each series', async () => {
      const run = await t.newRun()
      const batch = {
        metrics: [{ key: 'b', value: 2, step: 9, timestampMs: 90 }],
        series: [
          { key: 'a', values: [1, 'Infinity'], steps: [1, 2], timestampsMs: [10, 20] },
          { key: 'b', values: [3], steps: [10], timestampsMs: [100] },
        ],
      }
      const { events } = await t.appended((api) => api.post(`/api/v1/runs/${run.id}/batch`, batch))
      expect(events.map((e) => e.details)).toEqual([
        {
          metrics: 4,
          params: 0,
          tags: 0,
          idempotencyKey: null,
          digestFormat: 'provena-metric-batch-v1',
          sha256: documentedBatchSha256(
            [
              { key: 'b', value: 2, step: 9, timestampMs: 90 },
              { key: 'a', value: 1, step: 1, timestampMs: 10 },
              { key: 'a', value: Number.POSITIVE_INFINITY, step: 2, timestampMs: 20 },
              { key: 'b', value: 3, step: 10, timestampMs: 100 },
            ],
            '{"params":[],"tags":[]}',
          ),
        },
      ])
    })
  })

  describe('appends nothing for a mutation that fails', () => {
    it('such as an experiment name that is taken', async () => {
      const { name } = await t.newExperiment()
      const { res, events } = await t.appended((api) => api.post('/api/v1/experiments', { name }))
      expect([res.status, events]).toEqual([409, []])
    })

    it('such as a param logged again with another value', async () => {
      const run = await t.newRun({ params: { lr: '0.1' } })
      const batch = {
        params: [{ key: 'lr', value: '0.2' }],
        metrics: [{ key: 'loss', value: 1, step: 0, timestampMs: 1 }],
      }
      const { res, events } = await t.appended((api) => api.post(`/api/v1/runs/${run.id}/batch`, batch))
      expect([res.status, events]).toEqual([400, []])
    })

    it('such as a change the caller may not make', async () => {
      const { id } = (
        await apiCaller(t.app, { credentials: ADMIN }).post('/api/v1/experiments', { name: unique('exp') })
      ).body.experiment
      const { res, events } = await t.appended((api) => api.patch(`/api/v1/experiments/${id}`, { description: 'mine' }))
      expect([res.status, events]).toEqual([403, []])
    })
  })
})
