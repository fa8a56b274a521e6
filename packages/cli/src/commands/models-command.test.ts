import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCli, type CliServer, runCli, startCliServer, tempDir } from '../test-support/cli-process.js'
import { seedExperiment, seedRun, uniqueName } from '../test-support/seed.js'

let server: CliServer
const cli = (...args: string[]) => runCli([...args, '--url', server.url])

beforeAll(async () => {
  await buildCli()
  server = await startCliServer(['--port', '0', '--data-dir', tempDir(), '--log-level', 'warn'])
})

afterAll(async () => {
  server.child.kill('SIGTERM')
  await server.exited
})

/** A run whose artifacts hold `model/` with a file that differs per call. */
async function runWithModel(tag: string): Promise<string> {
  const runId = await seedRun(server.url, {
    experimentId: await seedExperiment(server.url, uniqueName('e')),
    name: tag,
  })
  const dir = tempDir()
  mkdirSync(path.join(dir, 'model'))
  writeFileSync(path.join(dir, 'model', 'weights.bin'), `weights ${tag}`)
  const upload = await cli('artifacts', 'upload', runId, path.join(dir, 'model'), 'model')
  if (upload.code !== 0) throw new Error(upload.stderr)
  return runId
}

// Each test starts a dozen CLI processes one after another; a busy 2-core machine needs the time.
describe('provena models', { timeout: 90_000 }, () => {
  it('registers versions, moves an alias, resolves it, rolls it back and shows the history', async () => {
    const name = uniqueName('churn')
    await cli('models', 'create', name)
    const first = await cli('models', 'register', name, `runs:/${await runWithModel('a')}/model`)
    await cli('models', 'register', name, `runs:/${await runWithModel('b')}/model`)

    await cli('models', 'alias', name, 'champion', '1')
    const moved = await cli('models', 'alias', name, 'champion', '2', '--reason', 'better')
    const resolved = JSON.parse((await cli('models', 'resolve', `models:/${name}@champion`, '--json')).stdout)
    const rolled = await cli('models', 'rollback', name, 'champion')
    const history = await cli('models', 'history', name, 'champion')

    const card = await cli('models', 'card', name, '2', '--intended-use', 'Rank customers', '--owner', 'ml@example.com')
    expect(card.stdout).toContain(`# Model card: ${name} version 2`)
    expect(card.stdout).toContain('## Intended use\n\nRank customers')
    expect(card.stdout).toContain('## Owners\n\n- ml@example.com')
    const compared = await cli('models', 'compare', name, '1', '2')
    expect(compared.stdout).toContain('files: 0 added, 0 removed, 1 changed\n  ~ weights.bin\n')
    expect(first.stdout).toMatch(new RegExp(`^Registered ${name}/1 \\(digest [0-9a-f]{64}\\)\\.\\n$`))
    expect(moved.stdout).toBe(`@champion of ${name} -> version 2.\n`)
    expect(resolved.version).toBe(2)
    expect(rolled.stdout).toBe(`@champion of ${name} -> version 1 (rolled back).\n`)
    expect(
      history.stdout
        .split('\n')
        .slice(1, 4)
        .map((line) => line.split(/\s{2,}/).slice(1, 4)),
    ).toEqual([
      ['@champion', '2 -> 1', 'rollback'],
      ['@champion', '1 -> 2', 'set'],
      ['@champion', '- -> 1', 'set'],
    ])
  })

  it('refuses to move a protected alias directly, and the requester may not approve', async () => {
    const name = uniqueName('guarded')
    await cli('models', 'create', name)
    await cli('models', 'register', name, `runs:/${await runWithModel('c')}/model`)
    await cli('models', 'protect', name, 'production')

    const direct = await cli('models', 'alias', name, 'production', '1')
    const request = JSON.parse(
      (await cli('models', 'promote', name, '1', 'production', '--reason', 'ready', '--json')).stdout,
    )
    const own = await cli('models', 'approve', name, request.id)
    const pending = await cli('models', 'promotions', name, 'PENDING')

    expect(direct.code).toBe(1)
    expect(direct.stderr).toContain('is protected: it moves only through an approved promotion request')
    expect(own.code).toBe(1)
    expect(own.stderr).toContain('you asked for this promotion: someone else with MANAGE on the model must approve it')
    expect(pending.stdout).toContain(`${request.id}  ${name}/1 -> @production  PENDING  asked by local-admin: ready`)
  })

  it('subscribes a webhook and refuses one that points into a private network', async () => {
    const name = uniqueName('hooks')
    await cli('models', 'create', name)

    const refused = await cli('models', 'webhook', 'add', name, 'http://169.254.169.254/latest/meta-data')
    const added = await cli(
      'models',
      'webhook',
      'add',
      name,
      'https://93.184.215.14/hook',
      '--event',
      'promotion.approved',
    )
    const list = await cli('models', 'webhook', 'list', name, '--json')

    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('resolves to 169.254.169.254, a private, loopback or link-local address')
    expect(added.stdout).toMatch(
      /^Webhook [0-9a-f]{32} -> https:\/\/93\.184\.215\.14\/hook \(promotion\.approved\)\.\nSigning secret \(shown once\): [0-9a-f]{64}\n/,
    )
    expect(JSON.parse(list.stdout).map((h: { url: string }) => h.url)).toEqual(['https://93.184.215.14/hook'])
  })

  it('registers a local folder as a version, and refuses a folder that does not exist', async () => {
    const name = uniqueName('uploaded')
    await cli('models', 'create', name)
    const dir = tempDir()
    mkdirSync(path.join(dir, 'weights'))
    writeFileSync(path.join(dir, 'weights', 'w.bin'), `weights ${name}`)
    writeFileSync(path.join(dir, 'config.json'), '{}')

    const added = await cli('models', 'register', name, dir, '--json')
    const missing = await cli('models', 'register', name, path.join(dir, 'nope'))
    const files = JSON.parse((await cli('models', 'show', name, '1', '--files', '--json')).stdout)

    expect(JSON.parse(added.stdout)).toMatchObject({ version: 1, source: 'upload', runId: null, fileCount: 2 })
    expect(files.map((f: { path: string }) => f.path)).toEqual(['config.json', 'weights/w.bin'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('nope')
  })

  it('reports an alias that looks like a version', async () => {
    const name = uniqueName('bad-alias')
    await cli('models', 'create', name)
    await cli('models', 'register', name, `runs:/${await runWithModel('d')}/model`)

    const result = await cli('models', 'alias', name, 'v2', '1')

    expect(result.code).toBe(1)
    expect(result.stderr).toContain('may not look like a version')
  })
})
