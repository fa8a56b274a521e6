// Verifying an audit trail of 1,000,000 events straight from the database (what `provena audit verify --db` does).
import { availableParallelism } from 'node:os'
import { performance } from 'node:perf_hooks'
import { eventToRow } from '../packages/server/dist/domain/audit/audit-log.js'
import { hashEvent } from '../packages/server/dist/domain/audit/event-hash.js'
import { openStoreForVerification } from '../packages/server/dist/index.js'
import { migrateToLatest, openDatabase } from '../packages/server/dist/storage/index.js'
import { DB_LABELS, openBenchDatabase } from './support/databases.mjs'
import { parseBenchArgs } from './support/options.mjs'
import { machineLine, recordSection, verdict } from './support/results.mjs'
import { formatInt } from './support/stats.mjs'

const TARGET_SECONDS = 10
const ROWS_PER_INSERT = 500
const options = parseBenchArgs(process.argv.slice(2), { events: 1_000_000, threads: availableParallelism() })

/** Events shaped like the real ones: a metric batch, a run update with before/after, a login. */
function eventBody(seq, prevHash) {
  const kind = seq % 3
  return {
    seq,
    timeMs: 1_790_000_000_000 + seq,
    actor: kind === 2 ? 'alice/token:ci' : 'alice',
    actorKind: kind === 2 ? 'token' : 'user',
    sourceIp: '10.1.2.3',
    requestId: `req-${seq}`,
    action: ['run.log_batch', 'run.update', 'auth.login'][kind],
    objectType: kind === 2 ? 'user' : 'run',
    objectId: kind === 2 ? 'alice' : `${(seq % 997).toString(16).padStart(32, '0')}`,
    before: kind === 1 ? { status: 'RUNNING', endTimeMs: null, name: 'swift-otter-1' } : null,
    after: kind === 1 ? { status: 'FINISHED', endTimeMs: 1_790_000_000_000 + seq, name: 'swift-otter-1' } : null,
    details:
      kind === 0 ? { metrics: 1000, params: 0, tags: 0, idempotencyKey: `k-${seq}`, sha256: 'ab'.repeat(32) } : null,
    prevHash,
  }
}

/** Writes a valid chain of `count` events straight into the tables, in large transactions. */
async function seed(database, count) {
  let prevHash = '0'.repeat(64)
  for (let start = 1; start <= count; start += 50_000) {
    const rows = []
    for (let seq = start; seq < Math.min(count + 1, start + 50_000); seq++) {
      const body = eventBody(seq, prevHash)
      prevHash = hashEvent(body)
      rows.push(eventToRow({ ...body, hash: prevHash }))
    }
    await database.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
        await trx
          .insertInto('auditEvents')
          .values(rows.slice(i, i + ROWS_PER_INSERT))
          .execute()
      }
    })
    process.stderr.write(`\rseeded ${formatInt(Math.min(count, start + 49_999))} events`)
  }
  await database.db.updateTable('auditHead').set({ seq: count, hash: prevHash }).where('id', '=', 1).execute()
  process.stderr.write('\n')
}

const sections = []
for (const kind of options.dbs) {
  const bench = await openBenchDatabase(kind, { sqliteSynchronous: 'NORMAL' })
  const database = openDatabase({ url: bench.db, sqliteSynchronous: 'NORMAL' })
  try {
    await migrateToLatest(database.db, database.kind)
    await seed(database, options.events)
    const verification = await openStoreForVerification({ db: bench.db })
    const started = performance.now()
    const result = await verification.verifyChain(undefined, { threads: options.threads })
    const seconds = (performance.now() - started) / 1000
    await verification.close()
    if (!result.ok || result.count !== options.events) throw new Error(`verification failed: ${JSON.stringify(result)}`)
    const line = `${DB_LABELS[kind]}: verified ${formatInt(result.count)} events in ${options.threads} thread(s) in ${seconds.toFixed(1)} s (${formatInt(result.count / seconds)} events/s) — target ≤ ${TARGET_SECONDS} s: ${verdict(seconds <= TARGET_SECONDS)}`
    console.log(line)
    sections.push(`- ${line}`)
  } finally {
    await database.close()
    if (!process.env.KEEP_BENCH_DB) await bench.close()
    else console.log(bench.db)
  }
}

if (options.isRecording) {
  recordSection(
    'audit-verify',
    'audit-verify: verifying the audit chain from the database',
    `${machineLine()}\n\nWhat \`provena audit verify --db\` does: splits the chain into one segment per thread; each thread reads its events in seq order (pages of 10,000, over its own connection), recomputes each event's SHA-256 over its RFC 8785 encoding (the stored JSON text as it is) and checks the links; then the joins between segments and the head row are checked. ${formatInt(options.events)} events.\n\n${sections.join('\n')}`,
  )
}
