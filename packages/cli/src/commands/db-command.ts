import type { Command } from 'commander'
import type { CliIo } from '../cli-io.js'
import { examples } from './help-text.js'
import { addStorageOptions, type StorageFlags } from './storage-options.js'

/** `provena db migrate`. */
export function registerDbCommand(program: Command, io: CliIo): void {
  const db = program.command('db').description('maintain the metadata database')
  const migrate = db
    .command('migrate')
    .description('apply pending schema migrations and exit (`provena server` also migrates on start)')
    .addHelpText(
      'after',
      examples(
        'provena db migrate --data-dir ./provena-data',
        'provena db migrate --db postgres://provena@db.internal/provena',
      ),
    )
  addStorageOptions(migrate).action(async (options: StorageFlags) => {
    // Imported on use, so that client commands start without loading the server and its database drivers.
    const { loadServerConfig, migrateDatabase } = await import('@provena/server')
    const applied = await migrateDatabase(loadServerConfig(options, io.env))
    if (applied.length === 0) return void io.stdout.write('Database is already up to date.\n')
    io.stdout.write(applied.map((name) => `Applied migration ${name}\n`).join(''))
  })
}
