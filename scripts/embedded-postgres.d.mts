/** See embedded-postgres.mjs. */
export function startEmbeddedPostgres(options: {
  /** Prefix of the data folder's name under the system temp dir. */
  dirPrefix: string
  /** Extra `postgres` command-line flags, e.g. ['-c', 'fsync=off']. */
  flags?: string[]
}): Promise<{ url: string; stop(): Promise<void> }>
