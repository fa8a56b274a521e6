import { createHash, randomUUID } from 'node:crypto'
import { datasetDigest } from '@provena/data'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SYSTEM_CONTEXT } from '../../domain/auth/principal.js'
import { openTestApp } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`
const PASSWORD = 'registry-password-1'

describe.each(testDialects())('model registry on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  /** Tokens: alice and bob both MANAGE the models they are given; admin is the instance admin. */
  const tokens: Record<'alice' | 'bob' | 'admin', string> = { alice: '', bob: '', admin: '' }

  beforeAll(async () => {
    t = await openTestApp(dialect, { auth: true, defaultPermission: 'NONE' })
    for (const name of ['alice', 'bob'] as const) {
      await t.services.accounts.createUser(SYSTEM_CONTEXT, { username: `${name}-${dialect}`, password: PASSWORD })
      tokens[name] = (await t.services.accounts.createToken(SYSTEM_CONTEXT, { name: 't' }, `${name}-${dialect}`)).token
    }
    tokens.admin = (await t.services.accounts.createToken(SYSTEM_CONTEXT, { name: 't' }, 'admin')).token
  })
  afterAll(async () => t.close())

  async function call(
    who: keyof typeof tokens,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: object,
  ) {
    const payload = body ?? (method === 'POST' || method === 'PUT' ? {} : undefined)
    const res = await t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${tokens[who]}` },
      ...(payload === undefined ? {} : { payload }),
    })
    return { status: res.statusCode, body: res.body === '' ? null : res.json() }
  }

  /** A model alice created (she MANAGEs it) on which bob holds MANAGE too, and a run with model files. */
  async function setup() {
    const name = unique('churn')
    await call('alice', 'POST', '/api/v1/models', { name, description: 'churn classifier' })
    await call('alice', 'PUT', `/api/v1/permissions/registered_model/${name}`, {
      username: `bob-${dialect}`,
      level: 'MANAGE',
    })
    const experiment = await call('alice', 'POST', '/api/v1/experiments', { name: unique('exp') })
    await call('alice', 'PUT', `/api/v1/permissions/experiment/${experiment.body.experiment.id}`, {
      username: `bob-${dialect}`,
      level: 'READ',
    })
    return { name, experimentId: experiment.body.experiment.id as string }
  }

  async function runWithFiles(experimentId: string, files: Record<string, string>) {
    const run = await call('alice', 'POST', '/api/v1/runs', { experimentId })
    for (const [path, text] of Object.entries(files)) {
      await t.app.inject({
        method: 'PUT',
        url: `/api/v1/runs/${run.body.run.id}/artifacts/${path}`,
        headers: { authorization: `Bearer ${tokens.alice}`, 'content-type': 'application/octet-stream' },
        payload: text,
      })
    }
    return run.body.run.id as string
  }

  async function modelWithVersions(count: number) {
    const { name, experimentId } = await setup()
    for (let i = 1; i <= count; i++) {
      const runId = await runWithFiles(experimentId, {
        'model/weights.bin': `weights ${i} ${name}`,
        'model/MLmodel': 'flavor',
      })
      const res = await call('alice', 'POST', `/api/v1/models/${name}/versions`, { source: `runs:/${runId}/model` })
      if (res.status !== 201) throw new Error(JSON.stringify(res.body))
    }
    return { name, experimentId }
  }

  it('lists to a user only the models and datasets they hold a grant on', async () => {
    const granted = await setup()
    const hidden = unique('hidden')
    await call('alice', 'POST', '/api/v1/models', { name: hidden })
    const files = [{ path: 'a.bin', sizeBytes: 1, sha256: sha256(hidden) }]
    await call('alice', 'POST', `/api/v1/datasets/${hidden}/versions`, {
      source: '/data',
      format: 'other',
      files,
      digest: datasetDigest(files),
      schema: null,
      profile: null,
    })

    const names = async (who: 'alice' | 'bob', url: string, key: string) =>
      (await call(who, 'GET', `${url}?maxResults=1000`)).body[key].map((o: { name: string }) => o.name)

    expect(await names('bob', '/api/v1/models', 'models')).toContain(granted.name)
    expect(await names('bob', '/api/v1/models', 'models')).not.toContain(hidden)
    expect(await names('alice', '/api/v1/models', 'models')).toContain(hidden)
    expect(await names('bob', '/api/v1/datasets', 'datasets')).not.toContain(hidden)
    expect(await names('alice', '/api/v1/datasets', 'datasets')).toContain(hidden)
  })

  describe('versions', () => {
    it('registers a version from a run path with its files frozen and its digest', async () => {
      const { name, experimentId } = await setup()
      const runId = await runWithFiles(experimentId, {
        'model/weights.bin': 'w',
        'model/conf/params.json': '{}',
        'other.txt': 'x',
      })

      const res = await call('alice', 'POST', `/api/v1/models/${name}/versions`, { source: `runs:/${runId}/model` })
      const files = await call('bob', 'GET', `/api/v1/models/${name}/versions/1/files`)

      const expected = [
        { path: 'conf/params.json', sizeBytes: 2, sha256: sha256('{}') },
        { path: 'weights.bin', sizeBytes: 1, sha256: sha256('w') },
      ]
      expect(res.status).toBe(201)
      expect(res.body.modelVersion).toMatchObject({
        modelName: name,
        version: 1,
        status: 'READY',
        stage: 'None',
        source: `runs:/${runId}/model`,
        runId,
        digest: datasetDigest(expected),
        fileCount: 2,
        sizeBytes: 3,
        aliases: [],
        createdBy: `alice-${dialect}`,
      })
      expect(files.body.files).toEqual(expected)
    })

    it.each([
      ['a run that does not exist', () => `runs:/${'0'.repeat(32)}/model`, 404],
      ['a path with nothing below it', (runId: string) => `runs:/${runId}/nothing-here`, 400],
      ['a source that is not runs:/', () => 's3://bucket/model', 400],
    ])('refuses to register from %s and makes no version', async (_, source, status) => {
      const { name, experimentId } = await setup()
      const runId = await runWithFiles(experimentId, { 'model/w.bin': 'w' })

      const res = await call('alice', 'POST', `/api/v1/models/${name}/versions`, { source: source(runId) })

      expect(res.status).toBe(status)
      expect((await call('alice', 'GET', `/api/v1/models/${name}/versions`)).body.versions).toEqual([])
    })

    it('registers a version from uploaded files, and refuses files whose bytes were not uploaded', async () => {
      const { name } = await setup()
      const text = `uploaded ${name}`
      await t.app.inject({
        method: 'PUT',
        url: `/api/v1/models/${name}/blobs/${sha256(text)}`,
        headers: { authorization: `Bearer ${tokens.alice}`, 'content-type': 'application/octet-stream' },
        payload: text,
      })
      const files = [{ path: 'model.bin', sizeBytes: Buffer.byteLength(text), sha256: sha256(text) }]

      const missing = await call('alice', 'POST', `/api/v1/models/${name}/versions`, {
        files: [...files, { path: 'other.bin', sizeBytes: 1, sha256: sha256(`never ${name}`) }],
      })
      const wrongSize = await call('alice', 'POST', `/api/v1/models/${name}/versions`, {
        files: [{ ...files[0], sizeBytes: 1 }],
      })
      const created = await call('alice', 'POST', `/api/v1/models/${name}/versions`, { files })

      expect(missing.status).toBe(400)
      expect(missing.body.error.message).toMatch(/'other.bin' .* were not uploaded/)
      expect(wrongSize.status).toBe(400)
      expect(created.status).toBe(201)
      expect(created.body.modelVersion).toMatchObject({
        version: 1,
        source: 'upload',
        runId: null,
        digest: datasetDigest(files),
      })
    })

    it('keeps the blobs of a version when the run deletes its files, and lets them go with the version', async () => {
      const { name, experimentId } = await setup()
      const text = `weights ${name}`
      const runId = await runWithFiles(experimentId, { 'model/w.bin': text })
      await call('alice', 'POST', `/api/v1/models/${name}/versions`, { source: `runs:/${runId}/model` })
      await call('alice', 'DELETE', `/api/v1/runs/${runId}/artifacts/model/w.bin`)

      await call('admin', 'POST', '/api/v1/artifacts/gc', { graceMinutes: 0 })
      const kept = await t.blobs.head(sha256(text))
      await call('alice', 'DELETE', `/api/v1/models/${name}/versions/1`)
      await call('admin', 'POST', '/api/v1/artifacts/gc', { graceMinutes: 0 })

      expect(kept).toBeDefined()
      expect(await t.blobs.head(sha256(text))).toBeUndefined()
    })

    it("changes a version's description and tags, and refuses a tag key that is not one", async () => {
      const { name } = await modelWithVersions(1)

      const res = await call('alice', 'PATCH', `/api/v1/models/${name}/versions/1`, {
        description: 'retrained on March data',
        tags: { team: 'risk', stage: 'candidate' },
      })
      await call('alice', 'PATCH', `/api/v1/models/${name}/versions/1`, { tags: { stage: null } })
      const bad = await call('alice', 'PATCH', `/api/v1/models/${name}/versions/1`, { tags: { 'no;semicolons': 'x' } })
      const after = await call('alice', 'GET', `/api/v1/models/${name}/versions/1`)

      expect(res.status).toBe(200)
      expect(bad.status).toBe(400)
      expect(after.body.modelVersion).toMatchObject({ description: 'retrained on March data', tags: { team: 'risk' } })
    })

    it('refuses to delete a version an alias points to', async () => {
      const { name } = await modelWithVersions(1)
      await call('alice', 'PUT', `/api/v1/models/${name}/aliases/champion`, { version: 1 })

      const res = await call('alice', 'DELETE', `/api/v1/models/${name}/versions/1`)

      expect(res.status).toBe(409)
      expect(res.body.error.message).toBe(
        `version 1 of ${name} is what @champion points to: move or delete the alias first`,
      )
      expect((await call('alice', 'GET', `/api/v1/models/${name}/versions/1`)).status).toBe(200)
    })
  })

  describe('aliases', () => {
    it('resolves models:/ URIs by alias, number and latest', async () => {
      const { name } = await modelWithVersions(3)
      await call('alice', 'PUT', `/api/v1/models/${name}/aliases/champion`, { version: 2 })

      const resolve = async (uri: string) =>
        (await call('bob', 'GET', `/api/v1/models/resolve?uri=${encodeURIComponent(uri)}`)).body.modelVersion?.version

      expect(await resolve(`models:/${name}@champion`)).toBe(2)
      expect(await resolve(`models:/${name}/1`)).toBe(1)
      expect(await resolve(`models:/${name}/latest`)).toBe(3)
      expect(
        (await call('bob', 'GET', `/api/v1/models/resolve?uri=${encodeURIComponent(`models:/${name}@nope`)}`)).status,
      ).toBe(404)
      expect((await call('bob', 'GET', '/api/v1/models/resolve?uri=runs:/x')).status).toBe(400)
    })

    it('rolls an alias back to the version it pointed to before, and keeps the whole history', async () => {
      const { name } = await modelWithVersions(2)
      await call('alice', 'PUT', `/api/v1/models/${name}/aliases/champion`, { version: 1 })
      await call('alice', 'PUT', `/api/v1/models/${name}/aliases/champion`, { version: 2, reason: 'better AUC' })

      const rolled = await call('bob', 'POST', `/api/v1/models/${name}/aliases/champion/rollback`, {
        reason: 'latency',
      })
      const history = await call('bob', 'GET', `/api/v1/models/${name}/alias-history?alias=champion`)

      expect(rolled.body.model.aliases).toEqual({ champion: 1 })
      expect(
        history.body.events.map((e: Record<string, unknown>) => [
          e.kind,
          e.fromVersion,
          e.toVersion,
          e.actor,
          e.reason,
        ]),
      ).toEqual([
        ['rollback', 2, 1, `bob-${dialect}/token:t`, 'latency'],
        ['set', 1, 2, `alice-${dialect}/token:t`, 'better AUC'],
        ['set', null, 1, `alice-${dialect}/token:t`, null],
      ])
    })

    it.each(['3', 'v3', 'latest', 'has space', '-dash'])('refuses the alias name %j', async (alias) => {
      const { name } = await modelWithVersions(1)

      const res = await call('alice', 'PUT', `/api/v1/models/${name}/aliases/${encodeURIComponent(alias)}`, {
        version: 1,
      })

      expect(res.status).toBe(400)
      expect((await call('alice', 'GET', `/api/v1/models/${name}`)).body.model.aliases).toEqual({})
    })

    it('refuses a move whose expected version is no longer current', async () => {
      const { name } = await modelWithVersions(3)
      await call('alice', 'PUT', `/api/v1/models/${name}/aliases/champion`, { version: 1 })
      await call('bob', 'PUT', `/api/v1/models/${name}/aliases/champion`, { version: 2 })

      const res = await call('alice', 'PUT', `/api/v1/models/${name}/aliases/champion`, {
        version: 3,
        expectedVersion: 1,
      })

      expect(res.status).toBe(409)
      expect((await call('alice', 'GET', `/api/v1/models/${name}`)).body.model.aliases).toEqual({ champion: 2 })
    })

    it('serialises concurrent moves: both are recorded, each from what the other left', async () => {
      const { name } = await modelWithVersions(3)
      await call('alice', 'PUT', `/api/v1/models/${name}/aliases/champion`, { version: 1 })

      const moves = await Promise.all([
        call('alice', 'PUT', `/api/v1/models/${name}/aliases/champion`, { version: 2 }),
        call('bob', 'PUT', `/api/v1/models/${name}/aliases/champion`, { version: 3 }),
      ])
      const [second, first] = (await call('alice', 'GET', `/api/v1/models/${name}/alias-history?alias=champion`)).body
        .events
      const final = (await call('alice', 'GET', `/api/v1/models/${name}`)).body.model.aliases.champion
      const audited = await call(
        'admin',
        'GET',
        `/api/v1/audit/events?objectType=registered_model&objectId=${name}&action=model.alias_set`,
      )

      expect(moves.map((m) => m.status)).toEqual([200, 200])
      expect(first.fromVersion).toBe(1)
      expect(second.fromVersion).toBe(first.toVersion)
      expect(final).toBe(second.toVersion)
      expect(audited.body.events).toHaveLength(3)
    })
  })

  describe('protected aliases and promotion requests', () => {
    async function protectedModel() {
      const { name } = await modelWithVersions(2)
      await call('alice', 'PUT', `/api/v1/models/${name}/aliases/production`, { version: 1 })
      await call('alice', 'PUT', `/api/v1/models/${name}/aliases/production/protection`, { isProtected: true })
      return name
    }

    it('refuses to move a protected alias directly', async () => {
      const name = await protectedModel()

      const res = await call('alice', 'PUT', `/api/v1/models/${name}/aliases/production`, { version: 2 })

      expect(res.status).toBe(409)
      expect(res.body.error.message).toMatch(/protected: it moves only through an approved promotion request/)
      expect((await call('alice', 'GET', `/api/v1/models/${name}`)).body.model.aliases).toEqual({ production: 1 })
    })

    it('moves a protected alias when someone else approves, and records every step', async () => {
      const name = await protectedModel()
      const requested = await call('alice', 'POST', `/api/v1/models/${name}/promotions`, {
        version: 2,
        alias: 'production',
        reason: 'AUC +2%',
      })
      const id = requested.body.request.id

      const approved = await call('bob', 'POST', `/api/v1/models/${name}/promotions/${id}/approve`, {
        comment: 'checked the card',
      })
      const history = await call('alice', 'GET', `/api/v1/models/${name}/alias-history?alias=production`)
      const audit = await call('admin', 'GET', `/api/v1/audit/events?objectType=registered_model&objectId=${name}`)

      expect(requested.status).toBe(201)
      expect(approved.body.request).toMatchObject({
        status: 'APPROVED',
        decidedBy: `bob-${dialect}/token:t`,
        comment: 'checked the card',
      })
      expect((await call('alice', 'GET', `/api/v1/models/${name}`)).body.model.aliases).toEqual({ production: 2 })
      expect(history.body.events[0]).toMatchObject({
        kind: 'promotion',
        fromVersion: 1,
        toVersion: 2,
        promotionRequestId: id,
        reason: 'AUC +2%',
      })
      expect(audit.body.events.map((e: { action: string }) => e.action).slice(0, 3)).toEqual([
        'model.alias_promotion',
        'promotion.approve',
        'promotion.request',
      ])
    })

    it('never lets the requester approve their own request', async () => {
      const name = await protectedModel()
      const { body } = await call('alice', 'POST', `/api/v1/models/${name}/promotions`, {
        version: 2,
        alias: 'production',
        reason: 'mine',
      })

      const res = await call('alice', 'POST', `/api/v1/models/${name}/promotions/${body.request.id}/approve`)

      expect(res.status).toBe(403)
      expect(
        (await call('alice', 'GET', `/api/v1/models/${name}/promotions?status=PENDING`)).body.requests,
      ).toHaveLength(1)
      expect((await call('alice', 'GET', `/api/v1/models/${name}`)).body.model.aliases).toEqual({ production: 1 })
    })

    it('refuses to approve twice, and to approve after a rejection', async () => {
      const name = await protectedModel()
      const first = await call('alice', 'POST', `/api/v1/models/${name}/promotions`, {
        version: 2,
        alias: 'production',
        reason: 'a',
      })
      const second = await call('alice', 'POST', `/api/v1/models/${name}/promotions`, {
        version: 2,
        alias: 'production',
        reason: 'b',
      })
      await call('bob', 'POST', `/api/v1/models/${name}/promotions/${first.body.request.id}/approve`)
      await call('bob', 'POST', `/api/v1/models/${name}/promotions/${second.body.request.id}/reject`, { comment: 'no' })

      const again = await call('bob', 'POST', `/api/v1/models/${name}/promotions/${first.body.request.id}/approve`)
      const afterReject = await call(
        'admin',
        'POST',
        `/api/v1/models/${name}/promotions/${second.body.request.id}/approve`,
      )

      expect(again.status).toBe(409)
      expect(again.body.error.message).toMatch(/was approved already/)
      expect(afterReject.status).toBe(409)
      expect(afterReject.body.error.message).toMatch(/was rejected already/)
    })

    it('refuses to approve a request whose version was deleted', async () => {
      const name = await protectedModel()
      const { body } = await call('alice', 'POST', `/api/v1/models/${name}/promotions`, {
        version: 2,
        alias: 'production',
        reason: 'x',
      })
      await call('alice', 'DELETE', `/api/v1/models/${name}/versions/2`)

      const res = await call('bob', 'POST', `/api/v1/models/${name}/promotions/${body.request.id}/approve`)

      expect(res.status).toBe(409)
      expect(res.body.error.message).toBe(`version 2 of ${name} was deleted: the request can only be rejected`)
      expect((await call('alice', 'GET', `/api/v1/models/${name}`)).body.model.aliases).toEqual({ production: 1 })
    })
  })

  it('compares two versions: params, metrics, datasets, code and files', async () => {
    const { name, experimentId } = await setup()
    const runs: string[] = []
    for (const [lr, auc, commit] of [
      ['0.1', 0.81, 'aaa111'],
      ['0.01', 0.86, 'bbb222'],
    ] as const) {
      const runId = await runWithFiles(experimentId, { 'model/w.bin': `w ${lr}`, 'model/conf.json': '{}' })
      await call('alice', 'POST', `/api/v1/runs/${runId}/batch`, {
        params: [
          { key: 'lr', value: lr },
          { key: 'epochs', value: '10' },
        ],
        metrics: [{ key: 'auc', value: auc, step: 1 }],
        tags: [{ key: 'mlflow.source.git.commit', value: commit }],
      })
      await call('alice', 'POST', `/api/v1/models/${name}/versions`, { source: `runs:/${runId}/model` })
      runs.push(runId)
    }

    const res = await call('bob', 'GET', `/api/v1/models/${name}/compare?a=1&b=2`)

    expect(res.status).toBe(200)
    expect(res.body.params).toEqual([{ key: 'lr', a: '0.1', b: '0.01' }])
    expect(res.body.metrics).toEqual([{ key: 'auc', a: 0.81, b: 0.86 }])
    expect(res.body.code).toEqual({ a: 'aaa111', b: 'bbb222' })
    expect(res.body.files).toEqual({ added: [], removed: [], changed: ['w.bin'] })
    expect([res.body.a.runId, res.body.b.runId]).toEqual(runs)
  })

  it('moves versions between MLflow stages, archiving the others, and keeps it in the history', async () => {
    const { name } = await modelWithVersions(2)
    await call('alice', 'POST', `/api/v1/models/${name}/versions/1/stage`, { stage: 'Production' })

    const res = await call('bob', 'POST', `/api/v1/models/${name}/versions/2/stage`, {
      stage: 'Production',
      archiveExisting: true,
    })
    const first = await call('alice', 'GET', `/api/v1/models/${name}/versions/1`)
    const bad = await call('alice', 'POST', `/api/v1/models/${name}/versions/2/stage`, { stage: 'Prod' })
    const history = await call('alice', 'GET', `/api/v1/models/${name}/alias-history`)

    expect(res.body.modelVersion.stage).toBe('Production')
    expect(first.body.modelVersion.stage).toBe('Archived')
    expect(bad.status).toBe(400)
    expect(
      history.body.events.map((e: { alias: string; toVersion: number; reason: string }) => [
        e.alias,
        e.toVersion,
        e.reason,
      ]),
    ).toEqual([
      ['stage:Production', 2, 'None -> Production'],
      ['stage:Archived', 1, 'Production -> Archived: archived by the move of version 2'],
      ['stage:Production', 1, 'None -> Production'],
    ])
  })

  describe('model cards', () => {
    async function versionWithRun() {
      const { name, experimentId } = await setup()
      const runId = await runWithFiles(experimentId, { 'model/w.bin': `w ${name}` })
      await call('alice', 'POST', `/api/v1/runs/${runId}/batch`, { metrics: [{ key: 'auc', value: 0.91, step: 3 }] })
      const files = [{ path: 'train.csv', sizeBytes: 10, sha256: sha256(`train ${name}`) }]
      const dataset = unique('train')
      await call('alice', 'POST', `/api/v1/datasets/${dataset}/versions`, {
        source: '/data/train.csv',
        format: 'csv',
        files,
        digest: datasetDigest(files),
        schema: { columns: [] },
        profile: { rowCount: 1200, columns: [], filesProfiled: 1, warnings: [] },
      })
      await call('alice', 'POST', `/api/v1/runs/${runId}/inputs`, { name: dataset, version: 1, context: 'training' })
      await call('alice', 'POST', `/api/v1/models/${name}/versions`, { source: `runs:/${runId}/model` })
      return { name, dataset, digest: datasetDigest(files) }
    }

    it('fills training data and evaluation from the source run, and keeps what people write', async () => {
      const { name, dataset, digest } = await versionWithRun()

      const edited = await call('alice', 'PATCH', `/api/v1/models/${name}/versions/1/card`, {
        intendedUse: 'Rank customers by churn risk.',
        owners: ['ml-team@example.com'],
      })
      await call('bob', 'PATCH', `/api/v1/models/${name}/versions/1/card`, { limitations: 'EU customers only.' })
      // alice may read the dataset; bob may not, so his view of the card leaves the training data out.
      const asAlice = await call('alice', 'GET', `/api/v1/models/${name}/versions/1/card`)
      const asBob = await call('bob', 'GET', `/api/v1/models/${name}/versions/1/card`)

      expect(edited.status).toBe(200)
      expect(asBob.body.card.trainingData).toEqual([])
      expect(asAlice.body.card).toMatchObject({
        modelName: name,
        version: 1,
        intendedUse: 'Rank customers by churn risk.',
        limitations: 'EU customers only.',
        owners: ['ml-team@example.com'],
        outOfScopeUse: null,
        trainingData: [
          { dataset: `${dataset}@1`, context: 'training', digest, rowCount: 1200, source: '/data/train.csv' },
        ],
        evaluation: [{ key: 'auc', value: 0.91, step: 3 }],
        updatedBy: `bob-${dialect}/token:t`,
      })
    })

    it('exports the card as markdown', async () => {
      const { name, dataset } = await versionWithRun()
      await call('alice', 'PATCH', `/api/v1/models/${name}/versions/1/card`, { intendedUse: 'Rank customers.' })

      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/models/${name}/versions/1/card.md`,
        headers: { authorization: `Bearer ${tokens.alice}` },
      })

      expect(res.headers['content-type']).toBe('text/markdown; charset=utf-8')
      expect(res.body).toContain(`# Model card: ${name} version 1`)
      expect(res.body).toContain('## Intended use\n\nRank customers.')
      expect(res.body).toContain(`- \`${dataset}@1\` (training): 1200 rows`)
      expect(res.body).toContain('| auc | 0.91 | 3 |')
      expect(res.body).toContain('## Limitations\n\n_Not written yet._')
    })

    it('refuses fields of the wrong shape and keeps the card as it was', async () => {
      const { name } = await versionWithRun()
      await call('alice', 'PATCH', `/api/v1/models/${name}/versions/1/card`, { owners: ['a'] })

      const res = await call('alice', 'PATCH', `/api/v1/models/${name}/versions/1/card`, { owners: 'not a list' })

      expect(res.status).toBe(400)
      expect((await call('alice', 'GET', `/api/v1/models/${name}/versions/1/card`)).body.card.owners).toEqual(['a'])
    })
  })

  it('compares new data with the training data of the model behind an alias', async () => {
    const { name, experimentId } = await setup()
    const runId = await runWithFiles(experimentId, { 'model/w.bin': `w ${name}` })
    const files = [{ path: 'train.csv', sizeBytes: 1, sha256: sha256(name) }]
    const profile = { rowCount: 0, columns: [], filesProfiled: 1, warnings: [] }
    const dataset = unique('train')
    await call('alice', 'POST', `/api/v1/datasets/${dataset}/versions`, {
      source: '/data/train.csv',
      format: 'csv',
      files,
      digest: datasetDigest(files),
      schema: { columns: [] },
      profile,
    })
    await call('alice', 'POST', `/api/v1/runs/${runId}/inputs`, { name: dataset, version: 1, context: 'training' })
    await call('alice', 'POST', `/api/v1/models/${name}/versions`, { source: `runs:/${runId}/model` })
    await call('alice', 'PUT', `/api/v1/models/${name}/aliases/champion`, { version: 1 })

    const res = await call('alice', 'POST', '/api/v1/datasets/drift', {
      reference: { model: { uri: `models:/${name}@champion` } },
      current: { profile, label: 'new.csv' },
    })

    expect(res.status).toBe(200)
    expect(res.body.report.reference.label).toBe(`models:/${name}@champion (${name}/1, training: ${dataset}@1)`)
  })
})
