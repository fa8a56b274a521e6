import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCli, type CliServer, runCli, startCliServer, tempDir } from '../test-support/cli-process.js'
import { deleteOverApi, getJson, seedExperiment, uniqueName } from '../test-support/seed.js'

let server: CliServer
const cli = (...args: string[]) => runCli([...args, '--url', server.url])
const lifecycleOf = async (id: string) =>
  ((await getJson(server.url, `/api/v1/experiments/${id}`)) as { experiment: { lifecycle: string } }).experiment
    .lifecycle

beforeAll(async () => {
  await buildCli()
  server = await startCliServer(['--port', '0', '--data-dir', tempDir(), '--log-level', 'warn'])
})

afterAll(async () => {
  server.child.kill('SIGTERM')
  await server.exited
})

describe.concurrent('provena experiments', () => {
  it('creates an experiment with a description and tags and prints it as JSON', async () => {
    const name = uniqueName('create')

    const result = await cli(
      'experiments',
      'create',
      name,
      '--description',
      'lr sweep',
      '--tag',
      'team=vision',
      '--tag',
      'q=a=b',
      '--json',
    )

    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({
      id: expect.stringMatching(/^\d+$/),
      name,
      description: 'lr sweep',
      lifecycle: 'active',
      tags: { team: 'vision', q: 'a=b' },
      createdAtMs: expect.any(Number),
      updatedAtMs: expect.any(Number),
    })
  })

  it('prints the id of a created experiment', async () => {
    const name = uniqueName('create-text')

    const result = await cli('experiments', 'create', name)

    expect(result).toEqual({
      code: 0,
      stdout: expect.stringMatching(`^Created experiment '${name}' with id \\d+\\.\\n$`),
      stderr: '',
    })
  })

  it('lists experiments as a table with headers, filtered by --name-like', async () => {
    const name = uniqueName('table')
    const id = await seedExperiment(server.url, name)

    const result = await cli('experiments', 'list', '--name-like', name)

    expect(result.code).toBe(0)
    const [header, row, ...rest] = result.stdout.split('\n')
    expect(header).toMatch(/^ID\s+NAME\s+CREATED\s+DESCRIPTION\s+TAGS$/)
    expect(row).toMatch(new RegExp(`^${id}\\s+${name}\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$`))
    expect(rest).toEqual([''])
  })

  it('lists experiments as a JSON array for scripts', async () => {
    const prefix = uniqueName('json')
    const ids = [await seedExperiment(server.url, `${prefix}-a`), await seedExperiment(server.url, `${prefix}-b`)]

    const result = await cli('experiments', 'list', '--name-like', `${prefix}-%`, '--json')

    const listed = JSON.parse(result.stdout) as { id: string; name: string }[]
    expect(listed.map(({ id, name }) => ({ id, name }))).toEqual([
      { id: ids[0], name: `${prefix}-a` },
      { id: ids[1], name: `${prefix}-b` },
    ])
  })

  it('lists deleted experiments with their lifecycle in --view deleted', async () => {
    const name = uniqueName('view')
    const id = await seedExperiment(server.url, name)
    await deleteOverApi(server.url, `/api/v1/experiments/${id}`)

    const result = await cli('experiments', 'list', '--name-like', name, '--view', 'deleted')

    expect(result.stdout.split('\n')[1]).toMatch(new RegExp(`^${id}\\s+${name}\\s+deleted\\s`))
  })

  it('deletes an experiment by name', async () => {
    const name = uniqueName('delete-name')
    const id = await seedExperiment(server.url, name)

    const result = await cli('experiments', 'delete', name)

    expect(result).toEqual({ code: 0, stdout: `Deleted experiment '${name}' (id ${id}).\n`, stderr: '' })
    expect(await lifecycleOf(id)).toBe('deleted')
  })

  it('deletes an experiment by id', async () => {
    const name = uniqueName('delete-id')
    const id = await seedExperiment(server.url, name)

    const result = await cli('experiments', 'delete', id)

    expect(result).toEqual({ code: 0, stdout: `Deleted experiment '${name}' (id ${id}).\n`, stderr: '' })
    expect(await lifecycleOf(id)).toBe('deleted')
  })

  it('restores a deleted experiment found by its name', async () => {
    const name = uniqueName('restore-name')
    const id = await seedExperiment(server.url, name)
    await deleteOverApi(server.url, `/api/v1/experiments/${id}`)

    const result = await cli('experiments', 'restore', name)

    expect(result).toEqual({ code: 0, stdout: `Restored experiment '${name}' (id ${id}).\n`, stderr: '' })
    expect(await lifecycleOf(id)).toBe('active')
  })

  it('restores a deleted experiment by id', async () => {
    const name = uniqueName('restore-id')
    const id = await seedExperiment(server.url, name)
    await deleteOverApi(server.url, `/api/v1/experiments/${id}`)

    const result = await cli('experiments', 'restore', id)

    expect(result).toEqual({ code: 0, stdout: `Restored experiment '${name}' (id ${id}).\n`, stderr: '' })
    expect(await lifecycleOf(id)).toBe('active')
  })

  it('exits 1 with the server message for a name that is taken', async () => {
    const name = uniqueName('taken')
    await seedExperiment(server.url, name)

    const result = await cli('experiments', 'create', name)

    expect(result).toEqual({ code: 1, stdout: '', stderr: `provena: an experiment named '${name}' exists already\n` })
  })

  it('exits 1 for an experiment that does not exist', async () => {
    const result = await cli('experiments', 'delete', uniqueName('missing'))

    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^provena: .*not found\n$/)
  })
})
