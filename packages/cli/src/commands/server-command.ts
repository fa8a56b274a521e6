import { constants } from 'node:os'
import { DefaultPermission } from '@provena/contract'
import type { RunningServer, ServerConfig, ServerFlags } from '@provena/server'
import { type Command, Option } from 'commander'
import type { CliIo, ShutdownSignal } from '../cli-io.js'
import { examples } from './help-text.js'
import { addStorageOptions } from './storage-options.js'

/** The flags as commander names them; the audit ones carry an `audit` prefix the config keys lack. */
interface ServerCommandOptions extends Omit<ServerFlags, 'checkpointEvery' | 'checkpointMinutes'> {
  auditCheckpointEvery?: string
  auditCheckpointMinutes?: string
}

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
      '--auth',
      'require credentials (users, API tokens, sessions); the first start creates the admin user `admin` (env PROVENA_AUTH=on)',
    )
    .option(
      '--allowed-hosts <list>',
      'comma-separated host names the server answers to, against DNS rebinding (default: loopback names and --host; env PROVENA_ALLOWED_HOSTS)',
    )
    .addOption(
      new Option(
        '--default-permission <level>',
        'what users get on experiments they hold no grant on (default: READ; env PROVENA_DEFAULT_PERMISSION)',
      ).choices(DefaultPermission.options),
    )
    .option(
      '--audit-checkpoint-every <n>',
      'sign an audit checkpoint after this many new events (default: 1000; env PROVENA_AUDIT_CHECKPOINT_EVERY)',
    )
    .option(
      '--audit-checkpoint-minutes <m>',
      'and at least this often while events arrive (default: 60; env PROVENA_AUDIT_CHECKPOINT_MINUTES)',
    )
    .option(
      '--web-dir <dir>',
      'the built web UI to serve at / (default: packages/web/dist/app of this checkout; env PROVENA_WEB_DIR)',
    )
    .option(
      '--artifacts <location>',
      'where artifact files live: a directory, or s3://bucket/prefix (default: <data-dir>/artifacts; env PROVENA_ARTIFACTS)',
    )
    .option(
      '--s3-endpoint <url>',
      'S3-compatible endpoint, e.g. http://minio:9000 (default: $AWS_ENDPOINT_URL_S3, $AWS_ENDPOINT_URL, else AWS; env PROVENA_S3_ENDPOINT)',
    )
    .option(
      '--s3-region <region>',
      'S3 region (default: $AWS_REGION, $AWS_DEFAULT_REGION, else us-east-1; env PROVENA_S3_REGION)',
    )
    .option(
      '--s3-path-style',
      'address buckets as http://host/bucket, as MinIO and most S3-compatible servers need (env PROVENA_S3_PATH_STYLE=1)',
    )
    .option(
      '--webhook-allowed-hosts <hosts>',
      'comma-separated hosts webhooks may reach although they resolve to private or loopback addresses (env PROVENA_WEBHOOK_ALLOWED_HOSTS)',
    )
    .option(
      '--insecure-no-auth',
      'allow listening on a non-loopback address without --auth: whoever reaches it is admin (env PROVENA_INSECURE_NO_AUTH=1)',
    )
    .addHelpText(
      'after',
      `
With --auth, set PROVENA_ADMIN_PASSWORD for the first admin's password, or one is generated and printed once.
PROVENA_AUDIT_SIGNING_KEY gives the audit signing key; else one is created in the data dir.
With --artifacts s3://…, credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN),
else from the AWS SDK's usual chain (profiles, instance roles). See docs/artifacts.md.
${examples(
  'provena server',
  'provena server --port 8080 --data-dir /var/lib/provena',
  'provena server --db postgres://provena:secret@db.internal/provena --log-level warn',
  'provena server --artifacts s3://ml-artifacts/provena --s3-endpoint http://minio:9000 --s3-path-style',
  'PROVENA_ADMIN_PASSWORD=... provena server --auth --host 0.0.0.0 --allowed-hosts provena.example.com --default-permission NONE',
)}`,
    )
    .action((options: ServerCommandOptions) => serve(toServerFlags(options), io))
}

function toServerFlags({ auditCheckpointEvery, auditCheckpointMinutes, ...rest }: ServerCommandOptions): ServerFlags {
  return { ...rest, checkpointEvery: auditCheckpointEvery, checkpointMinutes: auditCheckpointMinutes }
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
    `  artifacts: ${running.artifactsLocation}`,
    `  auth:     ${auth}`,
    `  web UI:   ${running.isWebUiBuilt ? `${running.url}/` : `not built (run npm run build; looked in ${config.webDir})`}`,
    `  audit:    verifier key ${running.auditVerifierKey}`,
    '            (keep a copy where the server cannot change it: `provena audit verify --key` checks checkpoints with it)',
    ...(running.initialAdmin ? initialAdminNotice(running.initialAdmin, running.url) : []),
    'Press Ctrl+C to stop.',
    '',
  ].join('\n')
}

/** Said once, at the first start with --auth: the password is not stored in clear anywhere. */
function initialAdminNotice({ username, password }: NonNullable<RunningServer['initialAdmin']>, url: string): string[] {
  if (password === null)
    return [`Created the first admin user '${username}' with the password in PROVENA_ADMIN_PASSWORD.`]
  return [
    `Created the first admin user '${username}'. Its password, shown only this once:`,
    '',
    `    ${password}`,
    '',
    `Sign in with \`provena login --url ${url} --username ${username}\` and change it with \`provena users set-password ${username}\`.`,
  ]
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
