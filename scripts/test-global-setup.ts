import type { TestProject } from 'vitest/node'
import { startEmbeddedPostgres } from './embedded-postgres.mjs'

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string
  }
}

/**
 * Every storage test runs against SQLite and a real PostgreSQL: PROVENA_TEST_POSTGRES_URL when
 * set, else a throw-away server from the embedded-postgres package (without durability: the
 * tests check behaviour, not crash safety).
 */
export default async function setup(project: TestProject) {
  const given = process.env.PROVENA_TEST_POSTGRES_URL
  if (given) {
    project.provide('postgresUrl', given)
    return
  }
  const postgres = await startEmbeddedPostgres({
    dirPrefix: 'provena-test-pg-',
    flags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'max_connections=300'],
  })
  project.provide('postgresUrl', postgres.url)
  return () => postgres.stop()
}
