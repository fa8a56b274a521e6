import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateToLatest, openDatabase } from '../../storage/index.js'
import { createStore, type Store } from '../../storage/store.js'
import { buildServer, type ServerProcess, startServerProcess } from '../../test-support/server-process.js'
import { createTestDatabaseUrl, testDialects } from '../../test-support/test-databases.js'
import { verifyStoredChain } from './stored-chain.js'

const ADMIN_PASSWORD = 'replica-admin-password'
const EXPERIMENTS_PER_REPLICA = 50
const RUNS_PER_REPLICA = 25

/**
 * Several replicas share one database (PostgreSQL, or one SQLite file on one machine): the chain
 * head is serialised by the database, not by a process, and concurrent writes from both wait for
 * each other instead of failing.
 */
describe.each(testDialects())('the audit chain under two server processes on one %s database', (dialect) => {
  let replicas: ServerProcess[] = []
  let store: Store
  let closeDatabase: () => Promise<void>
  let token: string

  beforeAll(async () => {
    await buildServer()
    const url = await createTestDatabaseUrl(dialect)
    const database = openDatabase({ url, postgresPoolSize: 2 })
    await migrateToLatest(database.db, database.kind)
    store = createStore(database)
    closeDatabase = () => database.close()
    // Started together on a new database, so both may try to create the first admin at once.
    const started = await Promise.allSettled([1, 2].map(() => startServerProcess(url, ADMIN_PASSWORD)))
    replicas = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
    for (const s of started) if (s.status === 'rejected') throw s.reason
    // A token, so that the bursts below do not each check the password (a deliberately slow scrypt).
    const basic = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`
    token = (await call<{ token: string }>(replicas[0]!, '/api/v1/tokens', { name: 'replicas' }, basic)).token
  })
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()))
    await closeDatabase?.()
  })

  async function call<T>(replica: ServerProcess, path: string, body: object, authorization = `Bearer ${token}`) {
    const res = await fetch(`${replica.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify(body),
    })
    if (res.status >= 300) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`)
    return res.json() as Promise<T>
  }

  /** 50 experiments, then runs in 25 of them and a metric batch for each run, each step sent all at once. */
  async function mutateThrough(replica: ServerProcess, prefix: string): Promise<string[]> {
    const experiments = await Promise.all(
      Array.from({ length: EXPERIMENTS_PER_REPLICA }, (_, i) =>
        call<{ experiment: { id: string } }>(replica, '/api/v1/experiments', { name: `${prefix}-${i}` }),
      ),
    )
    const runs = await Promise.all(
      experiments
        .slice(0, RUNS_PER_REPLICA)
        .map(({ experiment }) =>
          call<{ run: { id: string } }>(replica, '/api/v1/runs', { experimentId: experiment.id }),
        ),
    )
    await Promise.all(
      runs.map(({ run }, i) =>
        call(replica, `/api/v1/runs/${run.id}/batch`, {
          metrics: [{ key: 'loss', value: i, step: i, timestampMs: i }],
        }),
      ),
    )
    return experiments.map(({ experiment }) => experiment.id)
  }

  it('records every mutation from both replicas in one intact chain', async () => {
    const created = (await Promise.all(replicas.map((replica, i) => mutateThrough(replica, `replica-${i}`)))).flat()

    const events = await store.audit.range(0, 10_000)
    const counts: Record<string, number> = {}
    for (const event of events) counts[event.action] = (counts[event.action] ?? 0) + 1
    // Before them: the first admin, created by whichever replica got there first, and its token.
    expect(counts).toEqual({
      'user.create': 1,
      'token.create': 1,
      'experiment.create': 2 * EXPERIMENTS_PER_REPLICA,
      'run.create': 2 * RUNS_PER_REPLICA,
      'run.log_batch': 2 * RUNS_PER_REPLICA,
    })
    const createdInLog = events.filter((e) => e.action === 'experiment.create').map((e) => e.objectId)
    expect(createdInLog.toSorted()).toEqual(created.toSorted())
    const total = 2 + 2 * (EXPERIMENTS_PER_REPLICA + 2 * RUNS_PER_REPLICA)
    expect(await verifyStoredChain(store)).toEqual({
      ok: true,
      count: total,
      headHash: events[events.length - 1]?.hash,
      storedHeadSeq: total,
    })
  })
})
