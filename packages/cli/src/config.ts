/** Where client commands look for the server when neither --url nor PROVENA_TRACKING_URI is given. */
export const DEFAULT_TRACKING_URL = 'http://127.0.0.1:5100'

/** The connection flags every client command accepts. */
export interface ClientFlags {
  url?: string | undefined
  token?: string | undefined
}

interface ClientConfig {
  url: string
  token: string | undefined
}

/** Flags win over PROVENA_TRACKING_URI / PROVENA_TOKEN, which win over the default URL. */
export function resolveClientConfig(flags: ClientFlags, env: NodeJS.ProcessEnv = process.env): ClientConfig {
  return {
    url: flags.url || env.PROVENA_TRACKING_URI || DEFAULT_TRACKING_URL,
    token: flags.token || env.PROVENA_TOKEN || undefined,
  }
}
