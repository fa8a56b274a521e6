import path from 'node:path'
import { z } from 'zod'
import type { ArtifactLocation } from './storage/artifacts/open-blob-store.js'

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
  auth?: boolean | string | undefined
  allowedHosts?: string | undefined
  defaultPermission?: string | undefined
  checkpointEvery?: number | string | undefined
  checkpointMinutes?: number | string | undefined
  webDir?: string | undefined
  artifacts?: string | undefined
  s3Endpoint?: string | undefined
  s3Region?: string | undefined
  s3PathStyle?: boolean | string | undefined
  webhookAllowedHosts?: string | undefined
}

const ENV_NAMES: Record<keyof ServerFlags, string> = {
  host: 'PROVENA_HOST',
  port: 'PROVENA_PORT',
  dataDir: 'PROVENA_DATA_DIR',
  db: 'PROVENA_DB',
  sqliteSynchronous: 'PROVENA_SQLITE_SYNCHRONOUS',
  logLevel: 'PROVENA_LOG_LEVEL',
  insecureNoAuth: 'PROVENA_INSECURE_NO_AUTH',
  auth: 'PROVENA_AUTH',
  allowedHosts: 'PROVENA_ALLOWED_HOSTS',
  defaultPermission: 'PROVENA_DEFAULT_PERMISSION',
  checkpointEvery: 'PROVENA_AUDIT_CHECKPOINT_EVERY',
  checkpointMinutes: 'PROVENA_AUDIT_CHECKPOINT_MINUTES',
  webDir: 'PROVENA_WEB_DIR',
  artifacts: 'PROVENA_ARTIFACTS',
  s3Endpoint: 'PROVENA_S3_ENDPOINT',
  s3Region: 'PROVENA_S3_REGION',
  s3PathStyle: 'PROVENA_S3_PATH_STYLE',
  webhookAllowedHosts: 'PROVENA_WEBHOOK_ALLOWED_HOSTS',
}

/** Flags whose name is not the kebab-case of their config key. */
const FLAG_NAMES: Partial<Record<keyof ServerFlags, string>> = {
  checkpointEvery: '--audit-checkpoint-every',
  checkpointMinutes: '--audit-checkpoint-minutes',
}

const Switch = z
  .union([z.boolean(), z.enum(['1', 'true', 'on', 'yes', '0', 'false', 'off', 'no', ''])])
  .transform((v) => v === true || v === '1' || v === 'true' || v === 'on' || v === 'yes')

const ServerConfigSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65_535).default(5100),
  dataDir: z.string().min(1).default('./provena-data'),
  db: z.string().min(1).optional(),
  sqliteSynchronous: z.enum(['FULL', 'NORMAL']).default('FULL'),
  logLevel: z.enum(LOG_LEVELS).default('info'),
  insecureNoAuth: Switch.default(false),
  auth: Switch.default(false),
  allowedHosts: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((h) => h.trim())
        .filter((h) => h !== ''),
    )
    .optional(),
  defaultPermission: z.enum(['NONE', 'READ', 'EDIT', 'MANAGE']).default('READ'),
  checkpointEvery: z.coerce.number().int().min(1).default(1000),
  checkpointMinutes: z.coerce.number().min(0.01).default(60),
  webDir: z.string().min(1).optional(),
  artifacts: z
    .string()
    .min(1)
    .refine((v) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(v) || /^s3:\/\/[^/]+/.test(v), {
      message: 'must be a directory or s3://bucket[/prefix]',
    })
    .optional(),
  s3Endpoint: z.url().optional(),
  s3Region: z.string().min(1).optional(),
  s3PathStyle: Switch.default(false),
  webhookAllowedHosts: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter((h) => h !== ''),
    )
    .default([]),
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
  /** Access control on: requests need credentials (and a first admin is created). */
  auth: boolean
  /** Host names the server answers to (DNS-rebinding guard); null allows any (0.0.0.0 without a list). */
  allowedHosts: string[] | null
  defaultPermission: 'NONE' | 'READ' | 'EDIT' | 'MANAGE'
  /** The first admin's password at first start (PROVENA_ADMIN_PASSWORD); else one is generated and printed. */
  adminPassword: string | undefined
  /** The Ed25519 audit signing key (PROVENA_AUDIT_SIGNING_KEY); else it is kept in the data dir. */
  auditSigningKey: string | undefined
  /** Sign a checkpoint after this many new audit events, and at least every so many minutes. */
  checkpointEvery: number
  checkpointMinutes: number
  /** The built web UI served at `/`: by default packages/web/dist/app of this checkout. */
  webDir: string
  /** Where artifact bytes live: `<data-dir>/artifacts` by default, or an S3-compatible bucket. */
  artifacts: ArtifactLocation
  /** Webhook hosts allowed although they resolve to private or loopback addresses (SSRF guard). */
  webhookAllowedHosts: string[]
}

// Where `npm run build` puts the UI, seen from this file in src/ or dist/ of packages/server.
const DEFAULT_WEB_DIR = path.resolve(import.meta.dirname, '../../web/dist/app')

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1']

/** The default allow-list: loopback names, plus the bound host when it is a specific name or address. */
function defaultAllowedHosts(host: string): string[] | null {
  if (host === '0.0.0.0' || host === '::') return null
  return [...new Set([...LOOPBACK_NAMES, host.toLowerCase()])]
}

/**
 * `s3://bucket/prefix` with the endpoint, region and credentials of the usual AWS variables
 * (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, AWS_REGION / AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); without keys the AWS SDK's own chain applies.
 */
function artifactLocation(
  given: string | undefined,
  s3: { s3Endpoint?: string | undefined; s3Region?: string | undefined; s3PathStyle: boolean },
  dataDir: string,
  env: NodeJS.ProcessEnv,
): ArtifactLocation {
  if (given === undefined) return { kind: 'local', dir: path.join(dataDir, 'artifacts') }
  const url = /^s3:\/\/([^/]+)\/?(.*)$/.exec(given)
  if (!url) return { kind: 'local', dir: path.resolve(given) }
  const [, bucket = '', rawPrefix = ''] = url
  const prefix = rawPrefix === '' || rawPrefix.endsWith('/') ? rawPrefix : `${rawPrefix}/`
  const accessKeyId = env.AWS_ACCESS_KEY_ID
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY
  return {
    kind: 's3',
    bucket,
    prefix,
    endpoint: s3.s3Endpoint ?? (env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined),
    region: s3.s3Region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1'),
    forcePathStyle: s3.s3PathStyle,
    credentials:
      accessKeyId && secretAccessKey
        ? { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined }
        : undefined,
  }
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
    const flag = FLAG_NAMES[key] ?? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
    throw new ConfigError(`invalid ${flag} / ${ENV_NAMES[key] ?? key}: ${issue?.message ?? 'invalid value'}`)
  }
  const { artifacts, s3Endpoint, s3Region, s3PathStyle, ...settings } = parsed.data
  const dataDir = path.resolve(settings.dataDir)
  return {
    ...settings,
    dataDir,
    artifacts: artifactLocation(artifacts, { s3Endpoint, s3Region, s3PathStyle }, dataDir, env),
    db: settings.db ?? path.join(dataDir, 'provena.db'),
    allowedHosts: settings.allowedHosts ?? defaultAllowedHosts(settings.host),
    webDir: path.resolve(settings.webDir ?? DEFAULT_WEB_DIR),
    adminPassword: env.PROVENA_ADMIN_PASSWORD || undefined,
    auditSigningKey: env.PROVENA_AUDIT_SIGNING_KEY || undefined,
  }
}
