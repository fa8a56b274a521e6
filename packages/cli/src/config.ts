import { homedir } from 'node:os'
import path from 'node:path'
import { findSavedCredential } from './credentials-file.js'

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

/** Where the CLI keeps its own files, such as saved credentials: $PROVENA_CONFIG_DIR, else ~/.config/provena. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PROVENA_CONFIG_DIR || path.join(homedir(), '.config', 'provena')
}

/** The server URL: --url, else PROVENA_TRACKING_URI, else the default. */
export function resolveServerUrl(flags: ClientFlags, env: NodeJS.ProcessEnv = process.env): string {
  return flags.url || env.PROVENA_TRACKING_URI || DEFAULT_TRACKING_URL
}

/** The token: --token, else PROVENA_TOKEN, else the one `provena login` saved for the URL. */
export function resolveClientConfig(flags: ClientFlags, env: NodeJS.ProcessEnv = process.env): ClientConfig {
  const url = resolveServerUrl(flags, env)
  return {
    url,
    token: flags.token || env.PROVENA_TOKEN || findSavedCredential(configDir(env), url)?.token,
  }
}

/** Where `provena data` reads `s3://` data from: the server's S3 variables, else the usual AWS ones. */
export interface S3ReadSettings {
  endpoint: string | undefined
  region: string
  forcePathStyle: boolean
}

export function resolveS3ReadSettings(env: NodeJS.ProcessEnv = process.env): S3ReadSettings {
  return {
    endpoint: env.PROVENA_S3_ENDPOINT || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined,
    region: env.PROVENA_S3_REGION || env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    forcePathStyle: ['1', 'true', 'yes', 'on'].includes((env.PROVENA_S3_PATH_STYLE ?? '').toLowerCase()),
  }
}

/** Credentials for reading an MLflow tracking server, from the variables MLflow's own clients read. */
export function resolveMlflowCredentials(env: NodeJS.ProcessEnv = process.env) {
  return {
    token: env.MLFLOW_TRACKING_TOKEN || undefined,
    username: env.MLFLOW_TRACKING_USERNAME || undefined,
    password: env.MLFLOW_TRACKING_PASSWORD || undefined,
  }
}

/** The environment commands pass on to the programs they start (`provena run`): `env`, else this process's. */
export function inheritedEnvironment(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  return env ?? process.env
}
