import { ConnectionError, Provena, type ProvenaOptions, UnauthenticatedError } from '@provena/sdk'
import type { Command } from 'commander'
import { CliError } from './cli-error.js'
import { type ClientFlags, DEFAULT_TRACKING_URL, resolveClientConfig } from './config.js'

/** Adds --url and --token, which every command that talks to a running server accepts. */
export function addClientOptions(command: Command): Command {
  return command
    .option('--url <url>', `Provena server URL (default: $PROVENA_TRACKING_URI, then ${DEFAULT_TRACKING_URL})`)
    .option(
      '--token <token>',
      'API token sent as a bearer token (default: $PROVENA_TOKEN, then the token `provena login` saved for the URL)',
    )
}

// fetch fails with a bare "fetch failed"; the socket error that says why (ECONNREFUSED…) is its cause.
function rootCauseMessage(error: Error): string {
  let current: Error = error
  for (let depth = 0; current.cause instanceof Error && depth < 10; depth++) current = current.cause
  return current.message
}

/**
 * Runs `use` with an SDK client built from `options`. A server that cannot be reached becomes one
 * line that says what to check, instead of "fetch failed".
 */
export async function withServer<T>(options: ProvenaOptions & { url: string }, use: (client: Provena) => Promise<T>) {
  try {
    return await use(new Provena(options))
  } catch (error) {
    if (!(error instanceof ConnectionError)) throw error
    const reason = rootCauseMessage(error)
    throw new CliError(
      `cannot reach the Provena server at ${options.url} — is \`provena server\` running? (${reason})`,
      { cause: error },
    )
  }
}

/** Runs `use` with an SDK client for the configured server and credentials. */
export async function withClient<T>(
  flags: ClientFlags,
  env: NodeJS.ProcessEnv | undefined,
  use: (client: Provena) => Promise<T>,
): Promise<T> {
  const { url, token } = resolveClientConfig(flags, env)
  try {
    return await withServer({ url, token }, use)
  } catch (error) {
    if (!(error instanceof UnauthenticatedError)) throw error
    const signIn = `\`provena login --url ${url}\``
    const hint = token === undefined ? `sign in with ${signIn}` : `sign in again with ${signIn}`
    throw new CliError(`${error.message} — ${hint}, or pass --token / set PROVENA_TOKEN`, { cause: error })
  }
}
