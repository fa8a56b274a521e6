import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SYSTEM_CONTEXT } from '../../domain/auth/principal.js'
import { openTestApp } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'
import { mlflowClient } from './mlflow-test-client.js'

describe.each(testDialects())('MLflow experiments API on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  let mlflow: ReturnType<typeof mlflowClient>
  beforeAll(async () => {
    t = await openTestApp(dialect)
    mlflow = mlflowClient(t.app)
  })
  afterAll(async () => t.close())

  const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2)}`

  it('creates an experiment and answers get with MLflow’s Experiment message', async () => {
    const name = unique('create')
    const created = await mlflow.post('experiments/create', {
      name,
      tags: [
        { key: 'team', value: 'risk' },
        { key: 'mlflow.note.content', value: 'fraud models' },
      ],
    })
    expect(created).toEqual({ status: 200, body: { experiment_id: expect.stringMatching(/^\d+$/) } })
    const id = created.body.experiment_id

    const res = await mlflow.get('experiments/get', { experiment_id: id })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      experiment: {
        experiment_id: id,
        name,
        artifact_location: `mlflow-artifacts:/${id}`,
        lifecycle_stage: 'active',
        last_update_time: expect.any(Number),
        creation_time: expect.any(Number),
        tags: expect.arrayContaining([
          { key: 'team', value: 'risk' },
          { key: 'mlflow.note.content', value: 'fraud models' },
        ]),
      },
    })
    // MLflow's note tag is Provena's description.
    expect((await t.services.experiments.get(SYSTEM_CONTEXT, id)).description).toBe('fraud models')
  })

  it('has the Default experiment with id 0', async () => {
    const res = await mlflow.get('experiments/get', { experiment_id: '0' })
    expect(res.body.experiment).toMatchObject({ experiment_id: '0', name: 'Default', lifecycle_stage: 'active' })
  })

  it('refuses a second experiment of the same name with RESOURCE_ALREADY_EXISTS and status 400', async () => {
    const name = unique('dup')
    await mlflow.post('experiments/create', { name })
    const res = await mlflow.post('experiments/create', { name })
    expect(res).toEqual({
      status: 400,
      body: { error_code: 'RESOURCE_ALREADY_EXISTS', message: expect.stringContaining(name) },
    })
  })

  it('refuses a create without a name, naming the missing parameter, and creates nothing', async () => {
    const before = await mlflow.post('experiments/search', { view_type: 'ALL', max_results: 1000 })
    const res = await mlflow.post('experiments/create', { tags: [] })
    expect(res).toEqual({
      status: 400,
      body: {
        error_code: 'INVALID_PARAMETER_VALUE',
        message:
          "Missing value for required parameter 'name'. See the API docs for more information about request parameters.",
      },
    })
    const after = await mlflow.post('experiments/search', { view_type: 'ALL', max_results: 1000 })
    expect(after.body.experiments).toHaveLength(before.body.experiments.length)
  })

  it('refuses a client-chosen artifact_location and creates nothing', async () => {
    const name = unique('location')
    const res = await mlflow.post('experiments/create', { name, artifact_location: 's3://elsewhere/../x' })
    expect(res.status).toBe(400)
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE')
    expect((await mlflow.get('experiments/get-by-name', { experiment_name: name })).status).toBe(404)
  })

  it('answers an unknown or malformed experiment id with RESOURCE_DOES_NOT_EXIST and 404', async () => {
    for (const id of ['987654321', 'not-a-number']) {
      const res = await mlflow.get('experiments/get', { experiment_id: id })
      expect(res).toEqual({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: expect.any(String) } })
    }
  })

  it('finds an experiment by name, and answers an unknown name with 404', async () => {
    const id = await mlflow.experiment('by-name')
    const { experiment } = (await mlflow.get('experiments/get', { experiment_id: id })).body
    expect((await mlflow.get('experiments/get-by-name', { experiment_name: experiment.name })).body).toEqual({
      experiment,
    })
    const missing = await mlflow.get('experiments/get-by-name', { experiment_name: unique('nope') })
    expect(missing.status).toBe(404)
    expect(missing.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST')
  })

  it('searches by name with GET and POST, one page at a time', async () => {
    const stem = unique('paged')
    const ids = [await mlflow.experiment(stem), await mlflow.experiment(stem), await mlflow.experiment(stem)]
    const request = { filter: `name LIKE '${stem}%'`, max_results: 2, order_by: ['experiment_id ASC'] }
    const first = await mlflow.post('experiments/search', request)
    expect(first.status).toBe(200)
    expect(first.body.experiments.map((e: { experiment_id: string }) => e.experiment_id)).toEqual(ids.slice(0, 2))
    expect(first.body.next_page_token).toEqual(expect.any(String))
    const second = await mlflow.get('experiments/search', { ...request, page_token: first.body.next_page_token })
    expect(second.body).toEqual({ experiments: [expect.objectContaining({ experiment_id: ids[2] })] })
  })

  it('matches LIKE with case and ILIKE without', async () => {
    const stem = unique('CaseD')
    const id = (await mlflow.post('experiments/create', { name: `${stem}-Run` })).body.experiment_id
    const ids = async (filter: string) =>
      (await mlflow.post('experiments/search', { filter })).body.experiments?.map(
        (e: { experiment_id: string }) => e.experiment_id,
      ) ?? []
    expect(await ids(`name LIKE '${stem}-Run'`)).toEqual([id])
    expect(await ids(`name LIKE '${stem.toLowerCase()}-run'`)).toEqual([])
    expect(await ids(`name ILIKE '${stem.toLowerCase()}-RUN'`)).toEqual([id])
    expect(await ids(`name ilike '%${stem.toUpperCase().slice(2)}%'`)).toEqual([id])
  })

  it('orders by name descending and filters by exact name', async () => {
    const stem = unique('order')
    const a = await mlflow.post('experiments/create', { name: `${stem}-a` })
    const b = await mlflow.post('experiments/create', { name: `${stem}-b` })
    const ordered = await mlflow.post('experiments/search', { filter: `name LIKE '${stem}%'`, order_by: ['name DESC'] })
    expect(ordered.body.experiments.map((e: { name: string }) => e.name)).toEqual([`${stem}-b`, `${stem}-a`])
    const exact = await mlflow.post('experiments/search', { filter: `name = '${stem}-a'` })
    expect(exact.body.experiments.map((e: { experiment_id: string }) => e.experiment_id)).toEqual([
      a.body.experiment_id,
    ])
    expect(b.status).toBe(200)
  })

  it('refuses max_results above 50000, an unsupported filter and an unknown order column', async () => {
    for (const request of [{ max_results: 50_001 }, { filter: "tags.team = 'x'" }, { order_by: ['color ASC'] }]) {
      const res = await mlflow.post('experiments/search', request)
      expect(res.status).toBe(400)
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE')
    }
  })

  it('renames an experiment, and refuses a name that is taken', async () => {
    const id = await mlflow.experiment('rename')
    const newName = unique('renamed')
    expect(await mlflow.post('experiments/update', { experiment_id: id, new_name: newName })).toEqual({
      status: 200,
      body: {},
    })
    expect((await mlflow.get('experiments/get', { experiment_id: id })).body.experiment.name).toBe(newName)

    const other = await mlflow.experiment('taken')
    const res = await mlflow.post('experiments/update', { experiment_id: other, new_name: newName })
    expect(res.status).toBe(400)
    expect(res.body.error_code).toBe('RESOURCE_ALREADY_EXISTS')
  })

  it('deletes and restores an experiment, and lists deleted ones with view_type DELETED_ONLY', async () => {
    const id = await mlflow.experiment('delete')
    const { name } = (await mlflow.get('experiments/get', { experiment_id: id })).body.experiment
    expect(await mlflow.post('experiments/delete', { experiment_id: id })).toEqual({ status: 200, body: {} })
    expect((await mlflow.get('experiments/get', { experiment_id: id })).body.experiment.lifecycle_stage).toBe('deleted')
    const deleted = await mlflow.get('experiments/search', { filter: `name = '${name}'`, view_type: 'DELETED_ONLY' })
    expect(deleted.body.experiments).toHaveLength(1)
    const active = await mlflow.get('experiments/search', { filter: `name = '${name}'` })
    expect(active.body.experiments).toEqual([])

    expect(await mlflow.post('experiments/restore', { experiment_id: id })).toEqual({ status: 200, body: {} })
    expect((await mlflow.get('experiments/get', { experiment_id: id })).body.experiment.lifecycle_stage).toBe('active')
  })

  it('refuses to delete the Default experiment', async () => {
    const res = await mlflow.post('experiments/delete', { experiment_id: '0' })
    expect(res.status).toBe(400)
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE')
    expect((await mlflow.get('experiments/get', { experiment_id: '0' })).body.experiment.lifecycle_stage).toBe('active')
  })

  it('sets and deletes experiment tags', async () => {
    const id = await mlflow.experiment('tags')
    expect(
      await mlflow.post('experiments/set-experiment-tag', { experiment_id: id, key: 'owner', value: 'ana' }),
    ).toEqual({
      status: 200,
      body: {},
    })
    expect((await mlflow.get('experiments/get', { experiment_id: id })).body.experiment.tags).toEqual([
      { key: 'owner', value: 'ana' },
    ])
    expect(await mlflow.post('experiments/delete-experiment-tag', { experiment_id: id, key: 'owner' })).toEqual({
      status: 200,
      body: {},
    })
    expect((await mlflow.get('experiments/get', { experiment_id: id })).body.experiment.tags).toEqual([])
    const missing = await mlflow.post('experiments/delete-experiment-tag', { experiment_id: id, key: 'owner' })
    expect(missing.status).toBe(404)
    expect(missing.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST')
  })

  it('refuses a tag key MLflow does not allow and leaves the tags as they were', async () => {
    const id = await mlflow.experiment('badkey')
    await mlflow.post('experiments/set-experiment-tag', { experiment_id: id, key: 'ok', value: '1' })
    for (const key of ['bad?key', 'a/../b', 'x'.repeat(251)]) {
      const res = await mlflow.post('experiments/set-experiment-tag', { experiment_id: id, key, value: '2' })
      expect(res.status).toBe(400)
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE')
    }
    expect((await mlflow.get('experiments/get', { experiment_id: id })).body.experiment.tags).toEqual([
      { key: 'ok', value: '1' },
    ])
  })

  it('answers the same under /ajax-api/2.0', async () => {
    const ajax = mlflowClient(t.app, { prefix: '/ajax-api/2.0' })
    const id = await ajax.experiment('ajax')
    expect((await ajax.get('experiments/get', { experiment_id: id })).body.experiment.experiment_id).toBe(id)
  })
})
