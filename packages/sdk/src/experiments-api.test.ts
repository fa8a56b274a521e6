import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AlreadyExistsError, ConflictError, InvalidInputError, NotFoundError, Provena } from './index.js'
import { listeningTestServer } from './test-support/listening-test-server.js'

describe('experiments through the SDK', () => {
  let server: Awaited<ReturnType<typeof listeningTestServer>>
  let serverUrl: string
  let provena: Provena
  beforeAll(async () => {
    server = await listeningTestServer()
    serverUrl = server.url
    provena = new Provena({ url: serverUrl })
  })
  afterAll(async () => server.close())

  it('creates an experiment and reads it back by id and by name', async () => {
    const created = await provena.experiments.create({ name: 'exp-read', description: 'first', tags: { team: 'ml' } })

    expect(created).toEqual({
      id: expect.stringMatching(/^[1-9]\d*$/),
      name: 'exp-read',
      description: 'first',
      lifecycle: 'active',
      tags: { team: 'ml' },
      createdAtMs: expect.any(Number),
      updatedAtMs: expect.any(Number),
    })
    expect(await provena.experiments.get(created.id)).toEqual(created)
    expect(await provena.experiments.getByName('exp-read')).toEqual(created)
  })

  it('finds a name with spaces and slashes', async () => {
    const created = await provena.experiments.create({ name: 'team a/exp 1?#' })

    expect(await provena.experiments.getByName('team a/exp 1?#')).toEqual(created)
  })

  it('rejects a duplicate name with AlreadyExistsError', async () => {
    await provena.experiments.create({ name: 'exp-dup' })

    const error = await provena.experiments.create({ name: 'exp-dup' }).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(AlreadyExistsError)
    expect(error).toMatchObject({ code: 'ALREADY_EXISTS' })
  })

  it('rejects an unknown id with NotFoundError', async () => {
    await expect(provena.experiments.get('987654')).rejects.toThrow(NotFoundError)
  })

  it('rejects an unknown name with NotFoundError', async () => {
    await expect(provena.experiments.getByName('no-such-experiment')).rejects.toThrow(NotFoundError)
  })

  it('rejects an id that is not decimal with InvalidInputError', async () => {
    await expect(provena.experiments.get('abc')).rejects.toThrow(InvalidInputError)
  })

  it('updates the name, the description and tags, deleting a tag with null', async () => {
    const { id } = await provena.experiments.create({ name: 'exp-update', tags: { keep: '1', drop: '2' } })

    const updated = await provena.experiments.update(id, {
      name: 'exp-updated',
      description: 'new',
      tags: { drop: null, added: '3' },
    })

    expect(updated).toMatchObject({ id, name: 'exp-updated', description: 'new', tags: { keep: '1', added: '3' } })
  })

  it('deletes and restores an experiment', async () => {
    const { id } = await provena.experiments.create({ name: 'exp-delete' })

    await provena.experiments.delete(id)
    const deleted = await provena.experiments.get(id)
    const restored = await provena.experiments.restore(id)

    expect(deleted.lifecycle).toBe('deleted')
    expect(restored.lifecycle).toBe('active')
  })

  it('rejects deleting an experiment twice with ConflictError', async () => {
    const { id } = await provena.experiments.create({ name: 'exp-delete-twice' })
    await provena.experiments.delete(id)

    await expect(provena.experiments.delete(id)).rejects.toThrow(ConflictError)
  })

  it('lists experiments page by page, filtered by name', async () => {
    for (const n of [1, 2, 3]) await provena.experiments.create({ name: `exp-list-${n}` })

    const first = await provena.experiments.list({ nameLike: 'exp-list-%', maxResults: 2 })
    const second = await provena.experiments.list({
      nameLike: 'exp-list-%',
      maxResults: 2,
      pageToken: first.nextPageToken ?? '',
    })

    const names = [...first.experiments, ...second.experiments].map((e) => e.name).sort()
    expect(names).toEqual(['exp-list-1', 'exp-list-2', 'exp-list-3'])
    expect(second.nextPageToken).toBeNull()
  })

  it('lists deleted experiments only with view deleted', async () => {
    const { id } = await provena.experiments.create({ name: 'exp-view-deleted' })
    await provena.experiments.delete(id)

    const active = await provena.experiments.list({ nameLike: 'exp-view-deleted' })
    const deleted = await provena.experiments.list({ nameLike: 'exp-view-deleted', view: 'deleted' })

    expect(active.experiments).toEqual([])
    expect(deleted.experiments.map((e) => e.id)).toEqual([id])
  })
})
