import { ConnectionError, Provena } from '@provena/sdk'
import type { Command } from 'commander'
import { CliError } from './cli-error.js'
import { type ClientFlags, DEFAULT_TRACKING_URL, resolveClientConfig } from './config.js'

/** Adds --url and --token, which every command that talks to a running server accepts. */
export function addClientOptions(command: Command): Command {
  return command
    .option('--url <url>', `Provena server URL (default: $PROVENA_TRACKING_URI, then ${DEFAULT_TRACKING_URL})`)
    .option('--token <token>', 'API token sent as a bearer token (default: $PROVENA_TOKEN)')
}

// fetch fails with a bare "fetch failed"; the socket error that says why (ECONNREFUSED…) is its cause.
function rootCauseMessage(error: Error): string {
  let current: Error = error
  for (let depth = 0; current.cause instanceof Error && depth < 10; depth++) current = current.cause
  return current.message
}

/**
 * Runs `use` with an SDK client for the configured server. A server that cannot be reached
 * becomes one line that says what to check, instead of "fetch failed".
 */
export async function withClient<T>(
  flags: ClientFlags,
  env: NodeJS.ProcessEnv | undefined,
  use: (client: Provena) => Promise<T>,
): Promise<T> {
  const { url, token } = resolveClientConfig(flags, env)
  try {
    return await use(new Provena({ url, token }))
  } catch (error) {
    if (!(error instanceof ConnectionError)) throw error
    const reason = rootCauseMessage(error)
    throw new CliError(`cannot reach the Provena server at ${url} — is \`provena server\` running? (${reason})`, {
      cause: error,
    })
  }
}
