import { constants } from 'node:os'
import type { RunningServer, ServerConfig, ServerFlags } from '@provena/server'
import type { Command } from 'commander'
import type { CliIo, ShutdownSignal } from '../cli-io.js'
import { examples } from './help-text.js'
import { addStorageOptions } from './storage-options.js'

/** `provena server`. */
export function registerServerCommand(program: Command, io: CliIo): void {
  const server = program
    .command('server')
    .description('start the Provena tracking server and serve its API until stopped (Ctrl+C or SIGTERM)')
    .option('--host <address>', 'address to listen on (default: 127.0.0.1; env PROVENA_HOST)')
    .option('--port <port>', 'port to listen on; 0 picks a free one (default: 5100; env PROVENA_PORT)')
  addStorageOptions(server)
    .option(
      '--sqlite-synchronous <mode>',
      'SQLite durability: FULL or NORMAL (default: FULL; env PROVENA_SQLITE_SYNCHRONOUS)',
    )
    .option(
      '--log-level <level>',
      'fatal, error, warn, info, debug, trace or silent (default: info; env PROVENA_LOG_LEVEL)',
    )
    .option(
      '--insecure-no-auth',
      'allow listening on a non-loopback address although access control does not exist yet (env PROVENA_INSECURE_NO_AUTH=1)',
    )
    .addHelpText(
      'after',
      examples(
        'provena server',
        'provena server --port 8080 --data-dir /var/lib/provena',
        'provena server --db postgres://provena:secret@db.internal/provena --log-level warn',
      ),
    )
    .action((options: ServerFlags) => serve(options, io))
}

async function serve(options: ServerFlags, io: CliIo): Promise<void> {
  // Imported on use, so that client commands start without loading the server and its database drivers.
  const { loadServerConfig, startServer } = await import('@provena/server')
  const config = loadServerConfig(options, io.env)
  const running = await startServer(config)
  const stopped = closeOnSignal(running, io)
  io.stdout.write(banner(config, running))
  await stopped
  io.stdout.write('Provena server stopped.\n')
}

function banner(config: ServerConfig, running: RunningServer): string {
  const auth = running.isAuthEnabled
    ? 'on'
    : config.insecureNoAuth
      ? 'off (--insecure-no-auth: whoever reaches this address is admin)'
      : 'off (local admin, loopback only)'
  return [
    `Provena server listening on ${running.url}`,
    `  data dir: ${config.dataDir}`,
    `  database: ${running.databaseLocation}`,
    `  auth:     ${auth}`,
    'Press Ctrl+C to stop.',
    '',
  ].join('\n')
}

/**
 * Resolves once the first SIGTERM or SIGINT has closed the server: it stops accepting, finishes
 * in-flight requests and closes the database. A second signal means "now": exit at once.
 */
function closeOnSignal(running: RunningServer, io: CliIo): Promise<void> {
  return new Promise((resolve, reject) => {
    let isClosing = false
    const onSignal = (signal: ShutdownSignal) => {
      if (isClosing) return io.exit(128 + constants.signals[signal])
      isClosing = true
      io.stdout.write(`Received ${signal}; finishing in-flight requests (send it again to stop at once)…\n`)
      running.close().then(resolve, reject)
    }
    for (const signal of ['SIGTERM', 'SIGINT'] as const) io.onSignal(signal, () => onSignal(signal))
  })
}
