import { randomBytes } from 'node:crypto'
import type { LineageGraph } from '@provena/contract'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SYSTEM_CONTEXT } from '../../domain/auth/principal.js'
import { buildLineagePipeline } from '../../test-support/lineage-pipeline.js'
import { openTestApp } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'

const PASSWORD = 'lineage-password-1'
const commitHash = () => randomBytes(20).toString('hex')

/** The graph without timestamps, nodes as `key@depth` and edges as `source -type-> target`, sorted. */
function shape(graph: LineageGraph) {
  return {
    roots: [...graph.roots].sort(),
    nodes: graph.nodes.map((n) => `${n.key}@${n.depth}`).sort(),
    edges: graph.edges.map((e) => `${e.source} -${e.type}${e.context ? `(${e.context})` : ''}-> ${e.target}`).sort(),
    truncated: graph.truncated,
  }
}

describe.each(testDialects())('lineage graph on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  const tokens: Record<'alice' | 'bob' | 'admin', string> = { alice: '', bob: '', admin: '' }
  const userIds: Record<'alice' | 'bob', string> = { alice: '', bob: '' }

  beforeAll(async () => {
    t = await openTestApp(dialect, { auth: true, defaultPermission: 'NONE' })
    for (const name of ['alice', 'bob'] as const) {
      const user = await t.services.accounts.createUser(SYSTEM_CONTEXT, { username: `${name}-l`, password: PASSWORD })
      userIds[name] = user.id
      tokens[name] = (await t.services.accounts.createToken(SYSTEM_CONTEXT, { name: 't' }, `${name}-l`)).token
    }
    tokens.admin = (await t.services.accounts.createToken(SYSTEM_CONTEXT, { name: 't' }, 'admin')).token
  })
  afterAll(async () => t.close())

  async function call(who: keyof typeof tokens, method: 'GET' | 'POST' | 'DELETE', url: string, body?: object) {
    const res = await t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${tokens[who]}` },
      ...(body === undefined ? {} : { payload: body }),
    })
    return { status: res.statusCode, body: res.body === '' ? null : res.json() }
  }

  const lineage = async (who: keyof typeof tokens, query: Record<string, string>) =>
    call(who, 'GET', `/api/v1/lineage?${new URLSearchParams(query)}`)

  const alice = () =>
    ({
      principal: { kind: 'user', userId: userIds.alice, name: 'alice-l', isAdmin: false, tokenName: null },
      sourceIp: null,
      requestId: null,
    }) as const
  const pipeline = () => buildLineagePipeline(t, alice())

  it('answers the upstream graph of a fine-tuned model version: data, runs, code, the base model and the external source', async () => {
    const { model, keys: k } = await pipeline()

    const res = await lineage('alice', { ref: `models:/${model}/2`, direction: 'upstream' })

    expect(res.status).toBe(200)
    expect(shape(res.body)).toEqual({
      roots: [k.m2],
      nodes: [
        `${k.m2}@0`,
        `${k.r2}@1`,
        `${k.m1}@2`,
        `${k.d2}@2`,
        `${k.c2}@2`,
        `${k.r1}@3`,
        `${k.d1}@4`,
        `${k.c1}@4`,
        `${k.feed}@5`,
      ].sort(),
      edges: [
        `${k.r2} -output-> ${k.m2}`,
        `${k.m1} -input(fine-tuning)-> ${k.r2}`,
        `${k.d2} -input(training)-> ${k.r2}`,
        `${k.c2} -executed-> ${k.r2}`,
        `${k.r1} -output-> ${k.m1}`,
        `${k.d1} -input(training)-> ${k.r1}`,
        `${k.c1} -executed-> ${k.r1}`,
        `${k.feed} -output-> ${k.d1}`,
      ].sort(),
      truncated: false,
    })
  })

  it('describes each node with its label, ref and properties', async () => {
    const { model, dataset, keys: k, feedRef } = await pipeline()

    const res = await lineage('alice', { ref: `models:/${model}@champion`, direction: 'upstream', depth: '5' })

    const byKey = new Map((res.body as LineageGraph).nodes.map((n) => [n.key, n]))
    expect(byKey.get(k.m2)).toMatchObject({
      type: 'model_version',
      label: `${model} v2`,
      ref: `models:/${model}/2`,
      properties: { model, version: '2', aliases: 'champion', protectedAliases: 'champion' },
    })
    expect(byKey.get(k.d1)).toMatchObject({ label: `${dataset}@1`, ref: `datasets:/${dataset}@1` })
    expect(byKey.get(k.c1)).toMatchObject({
      type: 'code_version',
      ref: `code:/${k.c1.split(':')[1]}`,
      label: `churn@${k.c1.split(':')[1]?.slice(0, 7)}`,
      properties: { repoUrl: 'https://example.com/acme/churn.git' },
    })
    expect(byKey.get(k.feed)).toMatchObject({
      type: 'external',
      ref: feedRef,
      properties: { url: 'https://feast.example.com' },
    })
  })

  it('answers "which model versions were trained on any version of dataset X?" in one call', async () => {
    const { dataset, keys: k } = await pipeline()

    const res = await lineage('alice', { ref: `datasets:/${dataset}`, direction: 'downstream', types: 'model_version' })

    expect(shape(res.body)).toEqual({
      roots: [k.d1, k.d2].sort(),
      nodes: [`${k.d1}@0`, `${k.d2}@0`, `${k.m1}@2`, `${k.m2}@2`].sort(),
      edges: [],
      truncated: false,
    })
  })

  it('answers "which models behind a protected alias depend on this dataset version?" in one call', async () => {
    const { dataset, keys: k } = await pipeline()

    const res = await lineage('alice', {
      ref: `datasets:/${dataset}@1`,
      direction: 'downstream',
      types: 'model_version',
      alias: 'protected',
    })

    expect(shape(res.body)).toEqual({ roots: [k.d1], nodes: [`${k.d1}@0`, `${k.m2}@4`], edges: [], truncated: false })
  })

  it('stops at the depth limit and says so', async () => {
    const { model, keys: k } = await pipeline()

    const res = await lineage('alice', { ref: `models:/${model}/2`, depth: '2' })

    expect(shape(res.body)).toEqual({
      roots: [k.m2],
      nodes: [`${k.m2}@0`, `${k.r2}@1`, `${k.m1}@2`, `${k.d2}@2`, `${k.c2}@2`].sort(),
      edges: [
        `${k.r2} -output-> ${k.m2}`,
        `${k.m1} -input(fine-tuning)-> ${k.r2}`,
        `${k.d2} -input(training)-> ${k.r2}`,
        `${k.c2} -executed-> ${k.r2}`,
      ].sort(),
      truncated: true,
    })
  })

  it('walks both ways from a run', async () => {
    const { ids, keys: k } = await pipeline()

    const res = await lineage('alice', { ref: `runs:/${ids.r1}`, direction: 'both', depth: '1' })

    expect(shape(res.body)).toEqual({
      roots: [k.r1],
      nodes: [`${k.r1}@0`, `${k.d1}@1`, `${k.c1}@1`, `${k.m1}@1`].sort(),
      edges: [`${k.d1} -input(training)-> ${k.r1}`, `${k.c1} -executed-> ${k.r1}`, `${k.r1} -output-> ${k.m1}`].sort(),
      truncated: true,
    })
  })

  it('forgets a deleted model version, and the versions of a deleted model', async () => {
    const { ids, keys: k, model, experiment } = await pipeline()
    await t.services.models.deleteVersion(SYSTEM_CONTEXT, model, 1)

    const fromR1 = await lineage('alice', { ref: `runs:/${ids.r1}`, direction: 'both', depth: '1' })
    expect(fromR1.body.nodes.map((n: { key: string }) => n.key)).not.toContain(k.m1)
    const intoR2 = await lineage('alice', { ref: `runs:/${ids.r2}`, direction: 'upstream', depth: '1' })
    expect(intoR2.body.nodes.map((n: { key: string }) => n.key)).not.toContain(k.m1)
    // Nor does a walk pass through where it was: r2 was downstream of r1 only by way of version 1.
    const downstream = await lineage('alice', { ref: `runs:/${ids.r1}`, direction: 'downstream', depth: '3' })
    expect(shape(downstream.body).nodes).toEqual([`${k.r1}@0`])
    expect(downstream.body.edges).toEqual([])

    const { Readable } = await import('node:stream')
    const run = await t.services.runs.create(SYSTEM_CONTEXT, { experimentId: experiment.id, status: 'RUNNING' })
    await t.services.artifacts.upload(SYSTEM_CONTEXT, run.id, 'm.bin', Readable.from([Buffer.from(randomBytes(8))]))
    const other = `gone-${randomBytes(4).toString('hex')}`
    await t.services.models.create(SYSTEM_CONTEXT, { name: other })
    await t.services.models.registerVersion(SYSTEM_CONTEXT, other, { source: `runs:/${run.id}/m.bin` })
    const before = await lineage('alice', { ref: `runs:/${run.id}`, direction: 'downstream', depth: '1' })
    expect(before.body.nodes.filter((n: { type: string }) => n.type === 'model_version')).toHaveLength(1)
    await t.services.modelLifecycle.delete(SYSTEM_CONTEXT, other)
    const after = await lineage('alice', { ref: `runs:/${run.id}`, direction: 'downstream', depth: '1' })
    expect(after.body.nodes.filter((n: { type: string }) => n.type === 'model_version')).toEqual([])
  })

  it('ends a walk around a cycle that external edges make, each node once at its least depth', async () => {
    const { dataset, ids, keys: k, u } = await pipeline()
    // The fine-tuning run feeds a labelling tool that writes the first dataset version again.
    const tool = await call('alice', 'POST', '/api/v1/lineage/external-nodes', {
      namespace: 'label',
      name: `tool-${u}`,
    })
    await call('alice', 'POST', '/api/v1/lineage/edges', {
      source: `runs:/${ids.r2}`,
      target: tool.body.node.ref,
      type: 'output',
    })
    await call('alice', 'POST', '/api/v1/lineage/edges', {
      source: tool.body.node.ref,
      target: `datasets:/${dataset}@1`,
      type: 'output',
    })
    const toolKey = `external:${tool.body.node.id}`

    const res = await lineage('alice', { ref: `datasets:/${dataset}@1`, direction: 'downstream', depth: '50' })

    expect(shape(res.body)).toEqual({
      roots: [k.d1],
      nodes: [`${k.d1}@0`, `${k.r1}@1`, `${k.m1}@2`, `${k.r2}@3`, `${k.m2}@4`, `${toolKey}@4`].sort(),
      edges: [
        `${k.d1} -input(training)-> ${k.r1}`,
        `${k.r1} -output-> ${k.m1}`,
        `${k.m1} -input(fine-tuning)-> ${k.r2}`,
        `${k.r2} -output-> ${k.m2}`,
        `${k.r2} -output-> ${toolKey}`,
        `${toolKey} -output-> ${k.d1}`,
      ].sort(),
      truncated: false,
    })
  })

  it('hides nodes the caller may not read: their type and place only, no id, name or properties', async () => {
    const { dataset, keys: k } = await pipeline()
    await t.services.permissions.grant(SYSTEM_CONTEXT, 'dataset', dataset, { username: 'bob-l', level: 'READ' })

    const res = await lineage('bob', { ref: `datasets:/${dataset}@1`, direction: 'downstream', depth: '2' })

    expect(res.status).toBe(200)
    expect(res.body.nodes).toEqual([
      {
        key: k.d1,
        type: 'dataset_version',
        id: k.d1.split(':')[1],
        label: `${dataset}@1`,
        ref: `datasets:/${dataset}@1`,
        depth: 0,
        properties: expect.any(Object),
      },
      { key: 'hidden:1', type: 'run', id: '', label: 'hidden', ref: '', depth: 1, properties: {} },
      { key: 'hidden:2', type: 'model_version', id: '', label: 'hidden', ref: '', depth: 2, properties: {} },
    ])
    expect(shape(res.body).edges).toEqual([`${k.d1} -input(training)-> hidden:1`, 'hidden:1 -output-> hidden:2'])
    expect(JSON.stringify(res.body)).not.toContain(k.r1.split(':')[1])
  })

  it('answers 404 for a root the caller may not read, as for one that does not exist', async () => {
    const { model } = await pipeline()

    const unreadable = await lineage('bob', { ref: `models:/${model}/1` })
    const missing = await lineage('alice', { ref: `runs:/${'0'.repeat(32)}` })

    expect([unreadable.status, unreadable.body.error.code]).toEqual([404, 'NOT_FOUND'])
    expect([missing.status, missing.body.error.code]).toEqual([404, 'NOT_FOUND'])
  })

  it.each([
    [{ ref: 'runs:/nope' }, 'ref'],
    [{ ref: 'models:/x' }, 'ref'],
    [{ ref: 'code:/abc' }, 'ref'],
    [{ ref: 'datasets:/d@0' }, 'ref'],
    [{ ref: 'datasets:/d@1', depth: '0' }, 'depth'],
    [{ ref: 'datasets:/d@1', depth: '51' }, 'depth'],
    [{ ref: 'datasets:/d@1', direction: 'sideways' }, 'direction'],
    [{ ref: 'datasets:/d@1', types: 'model_version,bogus' }, 'bogus'],
    [{ ref: 'datasets:/d@1', alias: 'maybe' }, 'alias'],
  ])('refuses %j with a 400 naming the problem', async (query, named) => {
    const res = await lineage('alice', query)

    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('INVALID_INPUT')
    expect(res.body.error.message).toContain(named)
  })

  it('follows the commit tag: a new commit replaces the executed edge, deleting the tag removes it', async () => {
    const { ids, keys: k } = await pipeline()
    const c3 = commitHash()
    const upstream = async () =>
      shape((await lineage('alice', { ref: `runs:/${ids.r2}`, depth: '1', types: 'code_version' })).body).nodes

    await t.services.metrics.logBatch(SYSTEM_CONTEXT, ids.r2, {
      metrics: [],
      params: [],
      tags: [{ key: 'mlflow.source.git.commit', value: c3 }],
    })
    const afterBatch = await upstream()
    await t.services.runs.deleteTag(SYSTEM_CONTEXT, ids.r2, 'mlflow.source.git.commit')
    const afterDelete = await upstream()

    expect(afterBatch).toEqual([`${k.r2}@0`, `code_version:${c3}@1`].sort())
    expect(afterDelete).toEqual([`${k.r2}@0`])
  })

  it('records a model version input once, with an audit event, and refuses bad refs leaving nothing behind', async () => {
    const { model, ids } = await pipeline()
    const url = `/api/v1/runs/${ids.r1}/model-inputs`
    const events = async () => t.store.audit.list({ action: 'run.log_model_input', objectId: ids.r1 }, 100)

    const first = await call('alice', 'POST', url, { model: `models:/${model}@champion`, context: 'evaluation' })
    const again = await call('alice', 'POST', url, { model: `models:/${model}/2`, context: 'evaluation' })
    const badRef = await call('alice', 'POST', url, { model: 'datasets:/x@1' })
    const missing = await call('alice', 'POST', url, { model: `models:/${model}/9` })
    const stranger = await call('bob', 'POST', url, { model: `models:/${model}/2` })

    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ name: model, version: 2, context: 'evaluation' })
    expect(again.body).toEqual(first.body)
    expect([badRef.status, missing.status, stranger.status]).toEqual([400, 404, 404])
    expect(await events()).toHaveLength(1)
  })

  it('adds external edges only with an external end and edit rights on the Provena end, audited', async () => {
    const { dataset, ids, feedRef, experiment } = await pipeline()
    await t.services.permissions.grant(SYSTEM_CONTEXT, 'experiment', experiment.id, {
      username: 'bob-l',
      level: 'READ',
    })

    const internal = await call('alice', 'POST', '/api/v1/lineage/edges', {
      source: `datasets:/${dataset}@2`,
      target: `runs:/${ids.r1}`,
      type: 'input',
    })
    const readOnly = await call('bob', 'POST', '/api/v1/lineage/edges', {
      source: feedRef,
      target: `runs:/${ids.r1}`,
      type: 'input',
    })
    const added = await call('alice', 'POST', '/api/v1/lineage/edges', {
      source: feedRef,
      target: `runs:/${ids.r1}`,
      type: 'input',
    })
    const repeated = await call('alice', 'POST', '/api/v1/lineage/edges', {
      source: feedRef,
      target: `runs:/${ids.r1}`,
      type: 'input',
    })
    const query = new URLSearchParams({ source: feedRef, target: `runs:/${ids.r1}`, type: 'input' })
    const removed = await call('alice', 'DELETE', `/api/v1/lineage/edges?${query}`)
    const removedAgain = await call('alice', 'DELETE', `/api/v1/lineage/edges?${query}`)

    expect([internal.status, readOnly.status, added.status, repeated.status]).toEqual([400, 403, 201, 200])
    expect([removed.status, removedAgain.status]).toEqual([204, 404])
    const actions = (await t.store.audit.list({ objectType: 'lineage_edge' }, 10_000))
      .filter((e) => `${e.afterJson}${e.beforeJson}`.includes(ids.r1))
      .map((e) => e.action)
      .reverse()
    expect(actions).toEqual(['lineage.edge.add', 'lineage.edge.delete'])
  })

  it('lets the creator or an admin remove an external node with its edges', async () => {
    const { dataset, feedRef } = await pipeline()
    const [namespace, name] = [feedRef.split('/')[1] ?? '', feedRef.split('/').slice(2).join('/')]
    const query = new URLSearchParams({ namespace, name })

    const byBob = await call('bob', 'DELETE', `/api/v1/lineage/external-nodes?${query}`)
    const byAlice = await call('alice', 'DELETE', `/api/v1/lineage/external-nodes?${query}`)
    const after = await lineage('alice', { ref: `datasets:/${dataset}@1` })

    expect([byBob.status, byAlice.status]).toEqual([403, 204])
    expect(shape(after.body).nodes).toHaveLength(1)
  })
})
