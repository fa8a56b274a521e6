import { Provena } from '@provena/sdk'
import { buildServer, startServerProcess } from '../../../server/src/test-support/server-process.js'
import { createTestDatabaseUrl } from '../../../server/src/test-support/test-databases.js'
import { buildWebUi } from './web-build.js'

export const UI_ADMIN_PASSWORD = 'ui-admin-password-1'

/**
 * A real server process with access control on, over a new SQLite database, serving the freshly
 * built UI; and an SDK client signed in as its admin, to create the data the pages show.
 */
export async function startUiServer() {
  await buildServer()
  await buildWebUi()
  const server = await startServerProcess(await createTestDatabaseUrl('sqlite'), UI_ADMIN_PASSWORD)
  // The demo runs are made up: they should not carry this checkout's git state and diff.
  const provena = new Provena({ url: server.url, username: 'admin', password: UI_ADMIN_PASSWORD, capture: false })
  return { url: server.url, provena, stop: () => server.stop() }
}
