import path from 'node:path'
import { z } from 'zod'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/** Flags as the CLI passes them; each has an environment variable twin. */
export interface ServerFlags {
  host?: string | undefined
  port?: number | string | undefined
  dataDir?: string | undefined
  db?: string | undefined
  sqliteSynchronous?: string | undefined
  logLevel?: string | undefined
  insecureNoAuth?: boolean | undefined
}

const ENV_NAMES: Record<keyof ServerFlags, string> = {
  host: 'PROVENA_HOST',
  port: 'PROVENA_PORT',
  dataDir: 'PROVENA_DATA_DIR',
  db: 'PROVENA_DB',
  sqliteSynchronous: 'PROVENA_SQLITE_SYNCHRONOUS',
  logLevel: 'PROVENA_LOG_LEVEL',
  insecureNoAuth: 'PROVENA_INSECURE_NO_AUTH',
}

const ServerConfigSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65_535).default(5100),
  dataDir: z.string().min(1).default('./provena-data'),
  db: z.string().min(1).optional(),
  sqliteSynchronous: z.enum(['FULL', 'NORMAL']).default('FULL'),
  logLevel: z.enum(LOG_LEVELS).default('info'),
  insecureNoAuth: z
    .union([z.boolean(), z.enum(['1', 'true', 'on', '0', 'false', 'off', ''])])
    .transform((v) => v === true || v === '1' || v === 'true' || v === 'on')
    .default(false),
})

export interface ServerConfig {
  host: string
  port: number
  /** Absolute path of the data directory (SQLite file, keys, local artifacts). */
  dataDir: string
  /** A SQLite file path or a postgres:// URL. */
  db: string
  sqliteSynchronous: 'FULL' | 'NORMAL'
  logLevel: (typeof LOG_LEVELS)[number]
  insecureNoAuth: boolean
}

/** Raised for configuration that cannot work; the message names the flag and the variable. */
export class ConfigError extends Error {}

/** Merges flags over PROVENA_* environment variables over defaults, and checks the result. */
export function loadServerConfig(flags: ServerFlags = {}, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const merged: Record<string, unknown> = {}
  for (const [key, envName] of Object.entries(ENV_NAMES) as [keyof ServerFlags, string][]) {
    const value = flags[key] ?? env[envName]
    if (value !== undefined) merged[key] = value
  }
  const parsed = ServerConfigSchema.safeParse(merged)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const key = String(issue?.path[0] ?? '') as keyof ServerFlags
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
    throw new ConfigError(`invalid ${flag} / ${ENV_NAMES[key] ?? key}: ${issue?.message ?? 'invalid value'}`)
  }
  const dataDir = path.resolve(parsed.data.dataDir)
  return { ...parsed.data, dataDir, db: parsed.data.db ?? path.join(dataDir, 'provena.db') }
}
