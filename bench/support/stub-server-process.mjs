// The real app, with the work behind its batch route left out (no storage, no audit event): what
// HTTP, JSON parsing and request validation alone allow on this machine, the ceiling for `ingest`.
// Started like server-process.mjs (same arguments, same IPC).
import { generateSignerKey } from '../../packages/server/dist/domain/audit/signed-note.js'
import { buildApp } from '../../packages/server/dist/http/app.js'
import { createServices } from '../../packages/server/dist/services.js'
import { createStore, migrateToLatest, openDatabase } from '../../packages/server/dist/storage/index.js'

const [, db, sqliteSynchronous = 'FULL'] = process.argv.slice(2)
const database = openDatabase({ url: db, sqliteSynchronous })
await migrateToLatest(database.db, database.kind)
const services = createServices({
  store: createStore(database),
  signerKey: generateSignerKey('bench'),
})
services.metrics = { ...services.metrics, logBatch: async () => ({ applied: true }) }
const app = await buildApp(services, { logLevel: 'warn', allowedHosts: null })
await app.listen({ host: '127.0.0.1', port: 0 })

let isStopping = false
async function stop() {
  if (isStopping) return
  isStopping = true
  await app.close()
  await database.close()
  process.exit(0)
}
process.on('message', (message) => {
  if (message === 'stop') void stop()
})
process.on('disconnect', () => void stop())
process.send?.({ url: `http://127.0.0.1:${app.server.address().port}` })
