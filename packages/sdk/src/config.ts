import { InvalidInputError, MAX_BATCH_METRICS } from '@provena/contract'

/** Where the client talks to when neither the options nor PROVENA_TRACKING_URI say otherwise. */
export const DEFAULT_TRACKING_URI = 'http://127.0.0.1:5100'

/** Options of a Provena client; every one is optional. */
export interface ProvenaOptions {
  /**
   * Base URL of the server; defaults to PROVENA_TRACKING_URI, then http://127.0.0.1:5100.
   * An empty string sends relative requests, to the page's own origin in a browser.
   */
  url?: string
  /** API token sent as `Authorization: Bearer <token>`; defaults to PROVENA_TOKEN. */
  token?: string
  /**
   * User name and password (or one of the user's tokens) sent as basic credentials, instead of a
   * token; e.g. to create a token: `new Provena({ username, password }).tokens.create(...)`.
   */
  username?: string
  password?: string
  /** The fetch to use; defaults to the global one. */
  fetch?: typeof fetch
  /** Metric points per batch; a full buffer is sent at once (default 1000). */
  batchSize?: number
  /** Longest time a logged metric point waits in the buffer (default 1000 ms). */
  flushIntervalMs?: number
  /** Retries of a request after a network error, a 429 or a 5xx (default 5). */
  maxRetries?: number
  /**
   * Whether `startRun` records the git state, the diff of uncommitted changes and the environment
   * (Node only; docs/code-and-environment.md). Default: on, unless PROVENA_CAPTURE is `false`, `0`, `off` or `no`.
   */
  capture?: boolean
  /** Environment variables to record besides the default allow-list; defaults to PROVENA_CAPTURE_ENV (comma-separated). */
  captureEnv?: string[]
  /** Where capture warnings go (capture never fails a run); default: `console.warn`. */
  onWarning?: (message: string) => void
}

/** How `startRun` captures code and environment. */
export interface CaptureConfig {
  isEnabled: boolean
  extraEnvNames: string[]
  /** The environment of this process: allow-listed values are recorded and secret values redacted. */
  env: Record<string, string | undefined>
  onWarning: (message: string) => void
}

/** The options with every default filled in. */
export interface ClientConfig {
  url: string
  token: string | undefined
  basicCredentials: { username: string; password: string } | undefined
  fetch: typeof fetch
  batchSize: number
  flushIntervalMs: number
  maxRetries: number
  capture: CaptureConfig
}

// Values of PROVENA_CAPTURE that turn capture off.
const OFF = ['false', '0', 'off', 'no']

// In a browser there is no process; bundlers may also leave a stub without `env`.
function environment(): Record<string, string | undefined> {
  return typeof process !== 'undefined' && typeof process.env === 'object' ? process.env : {}
}

function integerOption(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError(`option ${name} must be an integer from ${min} to ${max}, got ${value}`)
  }
  return value
}

// Credentials given in the options win over PROVENA_TOKEN; giving both kinds in the options is a mistake.
function basicCredentials(options: ProvenaOptions): ClientConfig['basicCredentials'] {
  if (options.username === undefined && options.password === undefined) return undefined
  if (options.username === undefined || options.password === undefined) {
    throw new InvalidInputError('options username and password go together')
  }
  if (options.token) throw new InvalidInputError('give either the token option or username and password, not both')
  return { username: options.username, password: options.password }
}

/** Fills in defaults from the environment and checks the numeric options. */
export function resolveClientConfig(options: ProvenaOptions = {}): ClientConfig {
  const env = environment()
  const url = options.url ?? (env.PROVENA_TRACKING_URI || DEFAULT_TRACKING_URI)
  const basic = basicCredentials(options)
  return {
    url: url.replace(/\/+$/, ''),
    token: basic ? undefined : options.token || env.PROVENA_TOKEN || undefined,
    basicCredentials: basic,
    // Browsers refuse a fetch called with another `this`, so the global is called, not stored.
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    batchSize: integerOption('batchSize', options.batchSize, 1000, 1, MAX_BATCH_METRICS),
    flushIntervalMs: integerOption('flushIntervalMs', options.flushIntervalMs, 1000, 1, 24 * 60 * 60 * 1000),
    maxRetries: integerOption('maxRetries', options.maxRetries, 5, 0, 100),
    capture: {
      isEnabled: options.capture ?? !OFF.includes((env.PROVENA_CAPTURE ?? '').trim().toLowerCase()),
      extraEnvNames:
        options.captureEnv ??
        (env.PROVENA_CAPTURE_ENV ?? '')
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name !== ''),
      env,
      onWarning: options.onWarning ?? ((message) => console.warn(`provena: ${message}`)),
    },
  }
}
