// One server replica in its own process, for tests that need several: starts the BUILT server
// (run `tsc -b packages/server` first) on a free loopback port and prints `listening <url>`.
// Usage: node replica-server.mjs <database url> <admin password>; SIGTERM stops it gracefully.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { loadServerConfig, startServer } from '../../dist/index.js'

const [db, adminPassword] = process.argv.slice(2)
const dataDir = mkdtempSync(path.join(tmpdir(), 'provena-replica-'))
// The environment is passed explicitly, so the developer's own PROVENA_* settings cannot leak in.
const config = loadServerConfig(
  { port: 0, db, dataDir, auth: true, logLevel: 'silent' },
  { PROVENA_ADMIN_PASSWORD: adminPassword },
)
const server = await startServer(config)
process.stdout.write(`listening ${server.url}\n`)
process.on('SIGTERM', () => {
  server.close().then(() => process.exit(0))
})
