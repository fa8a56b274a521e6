import { createHash, randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SYSTEM_CONTEXT } from '../../domain/auth/principal.js'
import { openTestApp } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`
const PASSWORD = 'mlflow-registry-password-1'
const API = '/api/2.0/mlflow'

describe.each(testDialects())('the MLflow model registry API on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  /** alice creates (and so MANAGEs) every model; bob gets EDIT on each one; admin is the instance admin. */
  const tokens: Record<'alice' | 'bob' | 'admin', string> = { alice: '', bob: '', admin: '' }

  beforeAll(async () => {
    t = await openTestApp(dialect, { auth: true, defaultPermission: 'NONE' })
    for (const name of ['alice', 'bob'] as const) {
      await t.services.accounts.createUser(SYSTEM_CONTEXT, { username: name, password: PASSWORD })
      tokens[name] = (await t.services.accounts.createToken(SYSTEM_CONTEXT, { name: 't' }, name)).token
    }
    tokens.admin = (await t.services.accounts.createToken(SYSTEM_CONTEXT, { name: 't' }, 'admin')).token
  })
  afterAll(async () => t.close())

  async function call(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body?: object,
    who: keyof typeof tokens = 'alice',
  ) {
    const query = Object.entries(body ?? {}).flatMap(([k, v]): [string, string][] =>
      Array.isArray(v) ? v.map((x) => [k, String(x)]) : [[k, String(v)]],
    )
    const url = method === 'GET' && body ? `${API}${path}?${new URLSearchParams(query)}` : `${API}${path}`
    const res = await t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${tokens[who]}` },
      ...(method === 'GET' ? {} : { payload: body ?? {} }),
    })
    return { status: res.statusCode, body: res.json() }
  }

  /** A run of alice's (bob may read its experiment) with `model/` files, and a model named `name`. */
  async function seed(options: { files?: Record<string, string> } = {}) {
    const experiment = await t.services.experiments.create(SYSTEM_CONTEXT, { name: unique('exp') })
    const run = await t.services.runs.create(SYSTEM_CONTEXT, { experimentId: experiment.id, status: 'RUNNING' })
    const files = options.files ?? { 'model/MLmodel': 'flavors: {}', 'model/model.pkl': 'weights' }
    for (const [path, text] of Object.entries(files)) {
      await t.services.artifacts.upload(SYSTEM_CONTEXT, run.id, path, Readable.from([Buffer.from(text)]))
    }
    const users = await Promise.all(['alice', 'bob'].map((u) => t.store.users.findByUsername(u)))
    await t.store.transaction(async (tx) => {
      for (const user of users)
        if (user) await tx.permissions.grant('experiment', experiment.id, String(user.id), 'READ')
    })
    const name = unique('churn model')
    const created = await call('POST', '/registered-models/create', { name })
    expect(created.status).toBe(200)
    const bob = await t.store.users.findByUsername('bob')
    await t.store.transaction((tx) => tx.permissions.grant('registered_model', name, String(bob?.id), 'EDIT'))
    return { experimentId: experiment.id, runId: run.id, name }
  }

  async function register(name: string, runId: string, extra: object = {}) {
    const res = await call('POST', '/model-versions/create', {
      name,
      source: `runs:/${runId}/model`,
      run_id: runId,
      ...extra,
    })
    expect(res.status).toBe(200)
    return res.body.model_version
  }

  describe('registered-models/create and get', () => {
    it('creates a model and answers MLflow’s RegisteredModel fields', async () => {
      const name = unique('fraud')
      const res = await call('POST', '/registered-models/create', {
        name,
        description: 'fraud scorer',
        tags: [{ key: 'team', value: 'risk' }],
      })
      expect(res).toEqual({
        status: 200,
        body: {
          registered_model: {
            name,
            creation_timestamp: expect.any(Number),
            last_updated_timestamp: expect.any(Number),
            user_id: 'alice',
            description: 'fraud scorer',
            tags: [{ key: 'team', value: 'risk' }],
          },
        },
      })
      const got = await call('GET', '/registered-models/get', { name })
      expect(got).toEqual(res)
    })

    it('refuses a second model of the same name with RESOURCE_ALREADY_EXISTS and status 400', async () => {
      const { name } = await seed()
      const res = await call('POST', '/registered-models/create', { name, description: 'again' })
      expect(res).toEqual({
        status: 400,
        body: { error_code: 'RESOURCE_ALREADY_EXISTS', message: expect.stringContaining(name) },
      })
      expect((await call('GET', '/registered-models/get', { name })).body.registered_model).not.toHaveProperty(
        'description',
      )
    })

    it('refuses a missing name with INVALID_PARAMETER_VALUE', async () => {
      const res = await call('POST', '/registered-models/create', {})
      expect(res).toEqual({
        status: 400,
        body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining("parameter 'name'") },
      })
    })

    it('answers an unknown model with RESOURCE_DOES_NOT_EXIST and status 404', async () => {
      const res = await call('GET', '/registered-models/get', { name: unique('nope') })
      expect(res).toEqual({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: expect.any(String) } })
    })

    it('answers the same under /ajax-api/2.0', async () => {
      const { name } = await seed()
      const res = await t.app.inject({
        method: 'GET',
        url: `/ajax-api/2.0/mlflow/registered-models/get?name=${encodeURIComponent(name)}`,
        headers: { authorization: `Bearer ${tokens.alice}` },
      })
      expect(res.json().registered_model.name).toBe(name)
    })
  })

  describe('registered-models/rename, update and delete', () => {
    it('renames a model; its versions and grants follow it and the old name is gone', async () => {
      const { name, runId } = await seed()
      await register(name, runId)
      const newName = unique('renamed')
      const res = await call('POST', '/registered-models/rename', { name, new_name: newName })
      expect(res.status).toBe(200)
      expect(res.body.registered_model).toMatchObject({
        name: newName,
        latest_versions: [{ name: newName, version: '1' }],
      })
      expect((await call('GET', '/registered-models/get', { name })).status).toBe(404)
      // bob's EDIT grant moved with the model.
      expect((await call('GET', '/registered-models/get', { name: newName }, 'bob')).status).toBe(200)
    })

    it('refuses renaming onto a taken name, and leaves both models as they were', async () => {
      const first = await seed()
      const second = await seed()
      const res = await call('POST', '/registered-models/rename', { name: first.name, new_name: second.name })
      expect(res.body.error_code).toBe('RESOURCE_ALREADY_EXISTS')
      expect(res.status).toBe(400)
      expect((await call('GET', '/registered-models/get', { name: first.name })).status).toBe(200)
    })

    it('refuses a rename by someone without MANAGE with PERMISSION_DENIED', async () => {
      const { name } = await seed()
      const res = await call('POST', '/registered-models/rename', { name, new_name: unique('x') }, 'bob')
      expect(res).toEqual({ status: 403, body: { error_code: 'PERMISSION_DENIED', message: expect.any(String) } })
    })

    it('updates the description', async () => {
      const { name } = await seed()
      const res = await call('PATCH', '/registered-models/update', { name, description: 'v2 notes' })
      expect(res.body.registered_model.description).toBe('v2 notes')
    })

    it('deletes a model with its versions and aliases, audited', async () => {
      const { name, runId } = await seed()
      await register(name, runId)
      await call('POST', '/registered-models/alias', { name, alias: 'champion', version: '1' })
      expect(await call('DELETE', '/registered-models/delete', { name })).toEqual({ status: 200, body: {} })
      expect((await call('GET', '/registered-models/get', { name })).status).toBe(404)
      expect((await call('GET', '/model-versions/get', { name, version: '1' })).status).toBe(404)
      const { events } = await t.services.audit.list(SYSTEM_CONTEXT, {
        action: 'model.delete',
        objectId: name,
        maxResults: 10,
      })
      expect(events.map((e) => [e.objectId, e.actor])).toEqual([[name, 'alice/token:t']])
    })

    it('refuses to delete a model while one of its aliases is protected', async () => {
      const { name, runId } = await seed()
      await register(name, runId)
      await t.services.aliases.protect(SYSTEM_CONTEXT, name, 'production', true)
      const res = await call('DELETE', '/registered-models/delete', { name })
      expect(res).toEqual({
        status: 400,
        body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('@production') },
      })
      expect((await call('GET', '/model-versions/get', { name, version: '1' })).status).toBe(200)
    })
  })

  describe('registered-models/search', () => {
    it('filters by name with =, LIKE (case-sensitive) and ILIKE, and by tag', async () => {
      const prefix = unique('Search')
      for (const suffix of ['alpha', 'beta', 'Gamma']) {
        await call('POST', '/registered-models/create', {
          name: `${prefix}-${suffix}`,
          tags: [{ key: 'stage tag', value: suffix === 'beta' ? 'yes' : 'no' }],
        })
      }
      const names = async (filter: string) =>
        ((await call('GET', '/registered-models/search', { filter })).body.registered_models ?? []).map(
          (m: { name: string }) => m.name,
        )
      expect(await names(`name = '${prefix}-alpha'`)).toEqual([`${prefix}-alpha`])
      expect(await names(`name LIKE '${prefix}-%a'`)).toEqual([`${prefix}-Gamma`, `${prefix}-alpha`, `${prefix}-beta`])
      expect(await names(`name LIKE '${prefix}-g%'`)).toEqual([])
      expect(await names(`name ILIKE '${prefix.toLowerCase()}-g%'`)).toEqual([`${prefix}-Gamma`])
      expect(await names(`name LIKE '${prefix}%' AND tags.\`stage tag\` = 'yes'`)).toEqual([`${prefix}-beta`])
    })

    it('pages with max_results and next_page_token, in name order', async () => {
      const prefix = unique('Paged')
      for (const n of [1, 2, 3]) await call('POST', '/registered-models/create', { name: `${prefix}-${n}` })
      const first = await call('GET', '/registered-models/search', { filter: `name LIKE '${prefix}%'`, max_results: 2 })
      expect(first.body.registered_models.map((m: { name: string }) => m.name)).toEqual([`${prefix}-1`, `${prefix}-2`])
      const second = await call('GET', '/registered-models/search', {
        filter: `name LIKE '${prefix}%'`,
        max_results: 2,
        page_token: first.body.next_page_token,
      })
      expect(second.body).toEqual({ registered_models: [expect.objectContaining({ name: `${prefix}-3` })] })
    })

    it('orders by last_updated_timestamp DESC', async () => {
      const prefix = unique('Ordered')
      for (const n of [1, 2]) await call('POST', '/registered-models/create', { name: `${prefix}-${n}` })
      await new Promise((resolve) => setTimeout(resolve, 5))
      await call('PATCH', '/registered-models/update', { name: `${prefix}-1`, description: 'touched' })
      const res = await call('GET', '/registered-models/search', {
        filter: `name LIKE '${prefix}%'`,
        order_by: ['last_updated_timestamp DESC'],
      })
      expect(res.body.registered_models.map((m: { name: string }) => m.name)).toEqual([`${prefix}-1`, `${prefix}-2`])
    })

    it.each([
      ['max_results above 1000', { max_results: 1001 }, 'at most 1000'],
      ['an unknown filter key', { filter: "run_id = 'x'" }, "Invalid attribute key 'run_id'"],
      ['a bad comparator', { filter: "name > 'x'" }, "'>'"],
      ['an unknown order_by key', { order_by: ['size DESC'] }, 'order_by'],
      ['a page token that is not one', { page_token: 'garbage!' }, 'page token'],
    ])('refuses %s with INVALID_PARAMETER_VALUE', async (_, query, message) => {
      const res = await call('GET', '/registered-models/search', query)
      expect(res).toEqual({
        status: 400,
        body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining(message) },
      })
    })

    it('shows a user only the models they may read', async () => {
      const mine = unique('Private')
      await call('POST', '/registered-models/create', { name: mine })
      const res = await call('GET', '/registered-models/search', { filter: `name = '${mine}'` }, 'bob')
      expect(res).toEqual({ status: 200, body: {} })
    })
  })

  describe('model-versions/create and get', () => {
    it('registers a version from runs:/ with the run’s files, answering MLflow’s ModelVersion fields', async () => {
      const { name, runId } = await seed()
      const version = await register(name, runId, { description: 'first', tags: [{ key: 'k', value: 'v' }] })
      expect(version).toEqual({
        name,
        version: '1',
        creation_timestamp: expect.any(Number),
        last_updated_timestamp: expect.any(Number),
        user_id: 'alice',
        current_stage: 'None',
        description: 'first',
        source: `runs:/${runId}/model`,
        run_id: runId,
        status: 'READY',
        tags: [{ key: 'k', value: 'v' }],
      })
      const files = await t.services.models.listFiles(SYSTEM_CONTEXT, name, 1, { maxResults: 10 })
      expect(files.files.map((f) => f.path)).toEqual(['MLmodel', 'model.pkl'])
      expect((await call('GET', '/model-versions/get', { name, version: '1' })).body.model_version).toEqual(version)
    })

    it('registers from the run’s mlflow-artifacts: location (with or without a host)', async () => {
      const { name, runId, experimentId } = await seed()
      for (const source of [
        `mlflow-artifacts:/${experimentId}/${runId}/artifacts/model`,
        `mlflow-artifacts://localhost:5000/${experimentId}/${runId}/artifacts/model`,
      ]) {
        const res = await call('POST', '/model-versions/create', { name, source })
        expect(res.body.model_version).toMatchObject({ source: `runs:/${runId}/model`, run_id: runId })
      }
    })

    it.each([
      [
        'an experiment that is not the run’s',
        (s: Seeded) => `mlflow-artifacts:/999999/${s.runId}/artifacts/model`,
        404,
        'RESOURCE_DOES_NOT_EXIST',
      ],
      [
        'a traversal',
        (s: Seeded) => `mlflow-artifacts:/${s.experimentId}/${s.runId}/artifacts/../../x`,
        400,
        'INVALID_PARAMETER_VALUE',
      ],
      ['a location Provena does not hold', () => 's3://bucket/model', 400, 'INVALID_PARAMETER_VALUE'],
      ['a path without files', (s: Seeded) => `runs:/${s.runId}/nothing-here`, 400, 'INVALID_PARAMETER_VALUE'],
      ['a run that does not exist', () => `runs:/${'0'.repeat(32)}/model`, 404, 'RESOURCE_DOES_NOT_EXIST'],
    ])('refuses a source with %s, registering nothing', async (_, source, status, code) => {
      const seeded = await seed()
      const res = await call('POST', '/model-versions/create', { name: seeded.name, source: source(seeded) })
      expect(res).toEqual({ status, body: { error_code: code, message: expect.any(String) } })
      expect(
        (await call('GET', '/registered-models/get', { name: seeded.name })).body.registered_model,
      ).not.toHaveProperty('latest_versions')
    })

    it('refuses a run_id that is not the source’s run', async () => {
      const { name, runId } = await seed()
      const res = await call('POST', '/model-versions/create', {
        name,
        source: `runs:/${runId}/model`,
        run_id: 'f'.repeat(32),
      })
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE')
    })

    it('answers a version that is not a number with INVALID_PARAMETER_VALUE, and a missing one with 404', async () => {
      const { name } = await seed()
      expect((await call('GET', '/model-versions/get', { name, version: 'one' })).body.error_code).toBe(
        'INVALID_PARAMETER_VALUE',
      )
      expect((await call('GET', '/model-versions/get', { name, version: '7' })).status).toBe(404)
    })
  })

  describe('model-versions/update, delete and tags', () => {
    it('updates a version’s description', async () => {
      const { name, runId } = await seed()
      await register(name, runId)
      const res = await call('PATCH', '/model-versions/update', { name, version: '1', description: 'better' })
      expect(res.body.model_version.description).toBe('better')
    })

    it('sets and deletes tags of a model and of a version; deleting a tag that is not there is 404', async () => {
      const { name, runId } = await seed()
      await register(name, runId)
      expect(await call('POST', '/registered-models/set-tag', { name, key: 'owner', value: 'ml' })).toEqual({
        status: 200,
        body: {},
      })
      expect(await call('POST', '/model-versions/set-tag', { name, version: '1', key: 'qa', value: 'ok' })).toEqual({
        status: 200,
        body: {},
      })
      const got = await call('GET', '/registered-models/get', { name })
      expect(got.body.registered_model.tags).toEqual([{ key: 'owner', value: 'ml' }])
      expect(got.body.registered_model.latest_versions[0].tags).toEqual([{ key: 'qa', value: 'ok' }])
      expect(await call('DELETE', '/registered-models/delete-tag', { name, key: 'owner' })).toEqual({
        status: 200,
        body: {},
      })
      expect(await call('DELETE', '/model-versions/delete-tag', { name, version: '1', key: 'qa' })).toEqual({
        status: 200,
        body: {},
      })
      expect((await call('DELETE', '/registered-models/delete-tag', { name, key: 'owner' })).status).toBe(404)
      expect((await call('DELETE', '/model-versions/delete-tag', { name, version: '1', key: 'qa' })).status).toBe(404)
      expect((await call('GET', '/registered-models/get', { name })).body.registered_model).not.toHaveProperty('tags')
    })

    it('refuses a tag key MLflow would refuse', async () => {
      const { name } = await seed()
      const res = await call('POST', '/registered-models/set-tag', { name, key: 'bad\nkey', value: 'x' })
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE')
    })

    it('deletes a version; a version an alias points to is refused', async () => {
      const { name, runId } = await seed()
      await register(name, runId)
      await register(name, runId)
      await call('POST', '/registered-models/alias', { name, alias: 'champion', version: '2' })
      expect((await call('DELETE', '/model-versions/delete', { name, version: '2' })).body.error_code).toBe(
        'INVALID_PARAMETER_VALUE',
      )
      expect(await call('DELETE', '/model-versions/delete', { name, version: '1' })).toEqual({ status: 200, body: {} })
      expect((await call('GET', '/model-versions/get', { name, version: '1' })).status).toBe(404)
    })
  })

  describe('model-versions/search', () => {
    it('filters by name, run_id (= and IN), version_number and tags, newest update first by default', async () => {
      const { name, runId } = await seed()
      const other = await seed()
      await register(name, runId, { tags: [{ key: 'qa', value: 'passed' }] })
      await register(name, runId)
      await register(other.name, other.runId)
      const versions = async (filter: string, extra: object = {}) =>
        ((await call('GET', '/model-versions/search', { filter, ...extra })).body.model_versions ?? []).map(
          (v: { name: string; version: string }) => `${v.name}/${v.version}`,
        )
      expect(await versions(`name = '${name}'`, { order_by: ['version_number ASC'] })).toEqual([
        `${name}/1`,
        `${name}/2`,
      ])
      expect(await versions(`run_id = '${other.runId}'`)).toEqual([`${other.name}/1`])
      expect(
        await versions(`run_id IN ('${runId}', '${other.runId}')`, { order_by: ['name', 'version_number'] }),
      ).toEqual([`${name}/1`, `${name}/2`, `${other.name}/1`].sort())
      expect(await versions(`name = '${name}' AND version_number > 1`)).toEqual([`${name}/2`])
      expect(await versions(`name = '${name}' AND tags.qa = 'passed'`)).toEqual([`${name}/1`])
    })

    it('pages with next_page_token', async () => {
      const { name, runId } = await seed()
      for (let i = 0; i < 3; i++) await register(name, runId)
      const first = await call('GET', '/model-versions/search', {
        filter: `name='${name}'`,
        max_results: 2,
        order_by: ['version_number DESC'],
      })
      expect(first.body.model_versions.map((v: { version: string }) => v.version)).toEqual(['3', '2'])
      const second = await call('GET', '/model-versions/search', {
        filter: `name='${name}'`,
        max_results: 2,
        order_by: ['version_number DESC'],
        page_token: first.body.next_page_token,
      })
      expect(second.body.model_versions.map((v: { version: string }) => v.version)).toEqual(['1'])
      expect(second.body).not.toHaveProperty('next_page_token')
    })

    it('refuses max_results above 200000 and an unknown key', async () => {
      expect((await call('GET', '/model-versions/search', { max_results: 200001 })).body.error_code).toBe(
        'INVALID_PARAMETER_VALUE',
      )
      expect((await call('GET', '/model-versions/search', { filter: "stage = 'x'" })).body.error_code).toBe(
        'INVALID_PARAMETER_VALUE',
      )
    })
  })

  describe('stages', () => {
    it('transitions stages, archiving the others when asked, and get-latest-versions answers per stage', async () => {
      const { name, runId } = await seed()
      for (let i = 0; i < 3; i++) await register(name, runId)
      await call('POST', '/model-versions/transition-stage', {
        name,
        version: '1',
        stage: 'Production',
        archive_existing_versions: false,
      })
      const res = await call('POST', '/model-versions/transition-stage', {
        name,
        version: '2',
        stage: 'production',
        archive_existing_versions: true,
      })
      expect(res.body.model_version).toMatchObject({ version: '2', current_stage: 'Production' })
      expect((await call('GET', '/model-versions/get', { name, version: '1' })).body.model_version.current_stage).toBe(
        'Archived',
      )
      const latest = await call('POST', '/registered-models/get-latest-versions', {
        name,
        stages: ['Production', 'None'],
      })
      expect(
        latest.body.model_versions.map((v: { version: string; current_stage: string }) => [v.version, v.current_stage]),
      ).toEqual([
        ['2', 'Production'],
        ['3', 'None'],
      ])
      const viaGet = await call('GET', '/registered-models/get-latest-versions', { name, stages: ['Archived'] })
      expect(viaGet.body.model_versions.map((v: { version: string }) => v.version)).toEqual(['1'])
      const model = await call('GET', '/registered-models/get', { name })
      expect(model.body.registered_model.latest_versions.map((v: { version: string }) => v.version)).toEqual([
        '1',
        '2',
        '3',
      ])
      const history = await t.services.aliases.history(SYSTEM_CONTEXT, name, { maxResults: 10 })
      expect(history.events.map((e) => e.alias)).toContain('stage:Archived')
    })

    it.each([
      ['an unknown stage', { stage: 'Prod', archive_existing_versions: false }],
      ['archiving with a stage that is not active', { stage: 'Archived', archive_existing_versions: true }],
      ['no archive_existing_versions', { stage: 'Staging' }],
    ])('refuses %s with INVALID_PARAMETER_VALUE, the stage unchanged', async (_, body) => {
      const { name, runId } = await seed()
      await register(name, runId)
      const res = await call('POST', '/model-versions/transition-stage', { name, version: '1', ...body })
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE')
      expect((await call('GET', '/model-versions/get', { name, version: '1' })).body.model_version.current_stage).toBe(
        'None',
      )
    })
  })

  describe('aliases', () => {
    it('sets, reads and deletes an alias, shown on the model and the version', async () => {
      const { name, runId } = await seed()
      await register(name, runId)
      expect(await call('POST', '/registered-models/alias', { name, alias: 'champion', version: '1' }, 'bob')).toEqual({
        status: 200,
        body: {},
      })
      const { events } = await t.services.audit.list(SYSTEM_CONTEXT, {
        action: 'model.alias_set',
        objectId: name,
        maxResults: 10,
      })
      expect(events.map((e) => [e.actor, e.after])).toEqual([['bob/token:t', { alias: 'champion', version: 1 }]])
      const byAlias = await call('GET', '/registered-models/alias', { name, alias: 'champion' })
      expect(byAlias.body.model_version).toMatchObject({ name, version: '1', aliases: ['champion'] })
      const model = await call('GET', '/registered-models/get', { name })
      expect(model.body.registered_model.aliases).toEqual([{ alias: 'champion', version: '1' }])
      expect(await call('DELETE', '/registered-models/alias', { name, alias: 'champion' })).toEqual({
        status: 200,
        body: {},
      })
      expect((await call('GET', '/registered-models/alias', { name, alias: 'champion' })).status).toBe(404)
      // As MLflow's store: deleting an alias that is not there succeeds, and records nothing.
      expect(await call('DELETE', '/registered-models/alias', { name, alias: 'champion' })).toEqual({
        status: 200,
        body: {},
      })
      const history = await t.services.aliases.history(SYSTEM_CONTEXT, name, { alias: 'champion', maxResults: 10 })
      expect(history.events.map((e) => e.kind)).toEqual(['delete', 'set'])
    })

    it('refuses to move a protected alias from an MLflow client; a promotion still moves it', async () => {
      const { name, runId } = await seed()
      await register(name, runId)
      await t.services.aliases.protect(SYSTEM_CONTEXT, name, 'production', true)
      const refused = await call(
        'POST',
        '/registered-models/alias',
        { name, alias: 'production', version: '1' },
        'admin',
      )
      expect(refused).toEqual({
        status: 400,
        body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('@production of') },
      })
      expect(refused.body.message).toContain('protected')
      expect(
        (await call('DELETE', '/registered-models/alias', { name, alias: 'production' }, 'admin')).body.error_code,
      ).toBe('INVALID_PARAMETER_VALUE')
      expect((await call('GET', '/registered-models/alias', { name, alias: 'production' })).status).toBe(404)
      // The governed path: bob asks, alice (MANAGE, not bob) approves.
      const bobCtx = { ...SYSTEM_CONTEXT, principal: await principalOf('bob') }
      const aliceCtx = { ...SYSTEM_CONTEXT, principal: await principalOf('alice') }
      const request = await t.services.promotions.request(bobCtx, name, {
        version: 1,
        alias: 'production',
        reason: 'good',
      })
      await t.services.promotions.approve(aliceCtx, name, request.id, undefined)
      expect(
        (await call('GET', '/registered-models/alias', { name, alias: 'production' })).body.model_version.version,
      ).toBe('1')
    })

    it('refuses an alias that reads as a version, and a reader without EDIT', async () => {
      const { name, runId } = await seed()
      await register(name, runId)
      expect(
        (await call('POST', '/registered-models/alias', { name, alias: 'v2', version: '1' })).body.error_code,
      ).toBe('INVALID_PARAMETER_VALUE')
      const carol = unique('carol')
      await t.services.accounts.createUser(SYSTEM_CONTEXT, { username: carol, password: PASSWORD })
      const token = (await t.services.accounts.createToken(SYSTEM_CONTEXT, { name: 't' }, carol)).token
      const res = await t.app.inject({
        method: 'POST',
        url: `${API}/registered-models/alias`,
        headers: { authorization: `Bearer ${token}` },
        payload: { name, alias: 'champion', version: '1' },
      })
      expect(res.statusCode).toBe(404)
      expect(res.json().error_code).toBe('RESOURCE_DOES_NOT_EXIST')
    })
  })

  describe('model-versions/get-download-uri', () => {
    it('answers the run’s mlflow-artifacts: location of the version’s files', async () => {
      const { name, runId, experimentId } = await seed()
      await register(name, runId)
      const res = await call('GET', '/model-versions/get-download-uri', { name, version: '1' })
      expect(res).toEqual({
        status: 200,
        body: { artifact_uri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts/model` },
      })
    })
  })

  it('refuses get-download-uri of a version made from uploaded files, which has no run', async () => {
    const { name } = await seed()
    const bytes = Buffer.from('uploaded weights')
    const digest = createHash('sha256').update(bytes).digest('hex')
    await t.services.models.putBlob(SYSTEM_CONTEXT, name, digest, Readable.from([bytes]))
    await t.services.models.registerVersion(SYSTEM_CONTEXT, name, {
      files: [{ path: 'model.bin', sizeBytes: bytes.length, sha256: digest }],
    })
    const res = await call('GET', '/model-versions/get-download-uri', { name, version: '1' })
    expect(res).toEqual({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('uploaded files') },
    })
  })

  async function principalOf(username: string) {
    const user = await t.store.users.findByUsername(username)
    return { kind: 'user' as const, userId: String(user?.id), name: username, isAdmin: false, tokenName: null }
  }
})

type Seeded = { experimentId: string; runId: string; name: string }
