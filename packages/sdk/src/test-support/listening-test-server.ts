import { openTestApp } from '../../../server/src/test-support/test-app.js'

/** A real Provena server on a fresh SQLite database, listening on a loopback port, for SDK tests. */
export async function listeningTestServer(options: Parameters<typeof openTestApp>[1] = {}) {
  const server = await openTestApp('sqlite', options)
  const url = await server.app.listen({ host: '127.0.0.1', port: 0 })
  return { ...server, url }
}
