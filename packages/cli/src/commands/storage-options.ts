import type { Command } from 'commander'

/** Where the server keeps its data; shared by `provena server` and `provena db migrate`. */
export interface StorageFlags {
  dataDir?: string
  db?: string
}

// No commander defaults: an absent flag must stay undefined so PROVENA_* variables still apply.
/** Adds --data-dir and --db. */
export function addStorageOptions(command: Command): Command {
  return command
    .option(
      '--data-dir <dir>',
      'data directory: SQLite file, keys, local artifacts (default: ./provena-data; env PROVENA_DATA_DIR)',
    )
    .option(
      '--db <location>',
      'metadata database: a SQLite file path or a postgres:// URL (default: <data-dir>/provena.db; env PROVENA_DB)',
    )
}
