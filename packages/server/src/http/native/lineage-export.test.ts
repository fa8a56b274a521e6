import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { Ajv } from 'ajv'
import { Ajv2020 } from 'ajv/dist/2020.js'
import formatsPlugin from 'ajv-formats'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SYSTEM_CONTEXT } from '../../domain/auth/principal.js'
import { buildLineagePipeline } from '../../test-support/lineage-pipeline.js'
import { openTestApp } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'

// ajv-formats is CommonJS with a `default` export; under NodeNext the plugin is that property.
const addFormats = formatsPlugin.default

interface OpenLineageDataset {
  namespace: string
  name: string
  facets?: Record<string, unknown>
}
interface OpenLineageEvent {
  eventType: string
  run: { runId: string }
  job: { facets?: { sourceCodeLocation?: unknown } }
  inputs: OpenLineageDataset[]
  outputs: OpenLineageDataset[]
}

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../domain/lineage/fixtures/${name}`, import.meta.url), 'utf8'))

/**
 * OpenLineage's published JSON schema, spec version 2-1-0 (its `$id`:
 * https://openlineage.io/spec/2-1-0/OpenLineage.json; the repository's spec/OpenLineage.json, as
 * released since OpenLineage 1.3x), vendored (no network here) with its content unchanged; only the
 * whitespace is the repository formatter's.
 */
function openLineageValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  addFormats(ajv)
  return ajv.compile(fixture('openlineage-2-1-0.schema.json'))
}

/**
 * The PROV-JSON schema of the W3C Member Submission "PROV-JSON" (2013-04-24,
 * https://www.w3.org/Submission/2013/SUBM-prov-json-20130424/, its schema link), vendored with its
 * content unchanged except four trailing commas removed so that it parses as JSON (whitespace: the
 * repository formatter's). It is written in
 * JSON Schema draft 3 (`"required": true` on a property); draft 3 is translated here into the
 * draft 4 `required` arrays Ajv understands, property by property, so every requirement still holds.
 */
function provJsonValidator() {
  const draft3ToDraft4 = (schema: unknown): unknown => {
    if (Array.isArray(schema)) return schema.map(draft3ToDraft4)
    if (schema === null || typeof schema !== 'object') return schema
    const node = { ...(schema as Record<string, unknown>) }
    if (typeof node.required === 'boolean') delete node.required
    if (node.properties && typeof node.properties === 'object') {
      const properties = node.properties as Record<string, Record<string, unknown>>
      const required = Object.keys(properties).filter((key) => properties[key]?.required === true)
      if (required.length > 0) node.required = required
    }
    for (const [key, value] of Object.entries(node)) if (key !== 'required') node[key] = draft3ToDraft4(value)
    return node
  }
  const ajv = new Ajv({ strict: false, allErrors: true })
  addFormats(ajv)
  return ajv.compile(draft3ToDraft4(fixture('prov-json.schema.json')) as object)
}

describe.each(testDialects())('lineage exports on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  let token = ''
  let userId = ''

  beforeAll(async () => {
    t = await openTestApp(dialect, { auth: true, defaultPermission: 'NONE' })
    userId = (
      await t.services.accounts.createUser(SYSTEM_CONTEXT, { username: 'exporter', password: 'export-password-1' })
    ).id
    token = (await t.services.accounts.createToken(SYSTEM_CONTEXT, { name: 't' }, 'exporter')).token
  })
  afterAll(async () => t.close())

  const owner = () =>
    ({
      principal: { kind: 'user', userId, name: 'exporter', isAdmin: false, tokenName: null },
      sourceIp: null,
      requestId: null,
    }) as const

  async function exportOf(ref: string, format: string) {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/lineage/export?${new URLSearchParams({ ref, format })}`,
      headers: { authorization: `Bearer ${token}` },
    })
    return { status: res.statusCode, type: String(res.headers['content-type']), body: res.body }
  }

  it('exports the upstream graph as PROV-JSON that the published schema accepts: runs used data and generated models', async () => {
    const { model, keys: k } = await buildLineagePipeline(t, owner())
    const validate = provJsonValidator()

    const res = await exportOf(`models:/${model}/2`, 'prov')
    const document = JSON.parse(res.body)

    expect([res.status, res.type]).toEqual([200, 'application/json; charset=utf-8'])
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true)
    // The schema is really applied: a usage without its entity is refused.
    expect(validate({ ...document, used: { '_:bad': { 'prov:activity': 'provena:run/x' } } })).toBe(false)
    const id = (key: string) => `provena:${key.replace(':', '/')}`
    expect(Object.keys(document.activity).sort()).toEqual([id(k.r1), id(k.r2), id(k.feed)].sort())
    expect(Object.keys(document.entity).sort()).toEqual(
      [id(k.m2), id(k.m1), id(k.d1), id(k.d2), id(k.c1), id(k.c2)].sort(),
    )
    const relations = (name: string, from: string, to: string) =>
      Object.values(document[name] as Record<string, Record<string, string>>)
        .map((r) => `${r[from]} <- ${r[to]}`)
        .sort()
    expect(relations('used', 'prov:activity', 'prov:entity')).toEqual(
      [
        `${id(k.r2)} <- ${id(k.m1)}`,
        `${id(k.r2)} <- ${id(k.d2)}`,
        `${id(k.r2)} <- ${id(k.c2)}`,
        `${id(k.r1)} <- ${id(k.d1)}`,
        `${id(k.r1)} <- ${id(k.c1)}`,
      ].sort(),
    )
    expect(relations('wasGeneratedBy', 'prov:entity', 'prov:activity')).toEqual(
      [`${id(k.m2)} <- ${id(k.r2)}`, `${id(k.m1)} <- ${id(k.r1)}`, `${id(k.d1)} <- ${id(k.feed)}`].sort(),
    )
  })

  it('exports one OpenLineage run event per run, valid against the published schema, with inputs, outputs and code', async () => {
    const { model, dataset, ids } = await buildLineagePipeline(t, owner())
    const validate = openLineageValidator()

    const res = await exportOf(`models:/${model}/2`, 'openlineage')
    const events = JSON.parse(res.body) as OpenLineageEvent[]

    expect(res.status).toBe(200)
    for (const event of events) expect(validate(event), JSON.stringify(validate.errors)).toBe(true)
    // The schema is really applied: a run id that is not a UUID is refused.
    expect(validate({ ...events[0], run: { runId: 'not-a-uuid' } })).toBe(false)
    const uuid = (hex: string) =>
      `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
    const byRun = new Map(events.map((e) => [e.run.runId, e]))
    expect([...byRun.keys()].sort()).toEqual([uuid(ids.r1), uuid(ids.r2)].sort())
    const finetune = byRun.get(uuid(ids.r2))
    expect(finetune?.eventType).toBe('RUNNING')
    expect(finetune?.inputs.map((d) => d.name).sort()).toEqual([`datasets/${dataset}`, `models/${model}`])
    expect(finetune?.outputs).toEqual([
      {
        namespace: 'provena',
        name: `models/${model}`,
        facets: { version: expect.objectContaining({ datasetVersion: '2' }) },
      },
    ])
    const training = byRun.get(uuid(ids.r1))
    expect(training?.eventType).toBe('COMPLETE')
    expect(training?.job.facets?.sourceCodeLocation).toMatchObject({
      type: 'git',
      repoUrl: 'https://example.com/acme/churn.git',
    })
  })

  it('exports Graphviz DOT with every node and edge of the upstream graph', async () => {
    const { model, keys: k } = await buildLineagePipeline(t, owner())

    const res = await exportOf(`models:/${model}/2`, 'dot')

    expect([res.status, res.type]).toEqual([200, 'text/vnd.graphviz; charset=utf-8'])
    expect(res.body.startsWith('digraph lineage {')).toBe(true)
    for (const key of Object.values(k)) expect(res.body).toContain(`"${key}" [`)
    expect(res.body).toContain(`"${k.m1}" -> "${k.r2}" [label="input (fine-tuning)"];`)
    expect(res.body.match(/ -> /g)).toHaveLength(8)
  })

  it('refuses an unknown format with a 400 and an unreadable root with a 404', async () => {
    const { model } = await buildLineagePipeline(t, owner())
    const hidden = `private-${randomUUID().slice(0, 8)}`
    await t.services.models.create(SYSTEM_CONTEXT, { name: hidden })

    const badFormat = await exportOf(`models:/${model}/2`, 'rdf')
    const missing = await exportOf(`models:/${hidden}/1`, 'prov')

    expect(badFormat.status).toBe(400)
    expect(JSON.parse(badFormat.body).error.message).toContain('format')
    expect(missing.status).toBe(404)
  })
})
