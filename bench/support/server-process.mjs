// Runs one Provena server in its own process, so a benchmark can measure it (CPU, peak RSS) apart
// from its clients. Started with child_process.fork; it answers { url } over IPC once listening
// and shuts down cleanly on 'stop' or when the parent goes away.
import { loadServerConfig, startServer } from '../../packages/server/dist/index.js'

const [dataDir, db, sqliteSynchronous = 'FULL', adminPassword] = process.argv.slice(2)
// With an admin password, access control is on (--auth) and `admin` is the first admin.
const config = loadServerConfig(
  { port: 0, dataDir, db, logLevel: 'warn', sqliteSynchronous, auth: adminPassword !== undefined },
  adminPassword === undefined ? {} : { PROVENA_ADMIN_PASSWORD: adminPassword },
)
const server = await startServer(config)

let isStopping = false
async function stop() {
  if (isStopping) return
  isStopping = true
  await server.close()
  process.exit(0)
}
process.on('message', (message) => {
  if (message === 'stop') void stop()
})
process.on('disconnect', () => void stop())
process.send?.({ url: server.url })
