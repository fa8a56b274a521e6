import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { CliError } from './cli-error.js'

/** What `provena login` keeps for one server: the token, and what `logout` needs to revoke it. */
export interface SavedCredential {
  token: string
  tokenId: string
  username: string
}

/** `credentials.json`: server URL -> the credential saved for it. */
type CredentialsFile = Record<string, SavedCredential>

const FILE_NAME = 'credentials.json'

/** One key per server, however its URL was typed: `http://host:5100/` and `http://host:5100` are one. */
function serverKey(url: string): string {
  return url.replace(/\/+$/, '')
}

function isSavedCredential(value: unknown): value is SavedCredential {
  const entry = value as Partial<SavedCredential> | null
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.token === 'string' &&
    typeof entry.tokenId === 'string' &&
    typeof entry.username === 'string'
  )
}

/** The path of the credentials file in a config dir. */
export function credentialsPath(configDir: string): string {
  return path.join(configDir, FILE_NAME)
}

function readCredentials(configDir: string): CredentialsFile {
  const file = credentialsPath(configDir)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw error
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new CliError(`${file} is not valid JSON; fix or delete it`, { cause: error })
  }
  if (typeof parsed !== 'object' || parsed === null)
    throw new CliError(`${file} is not a JSON object; fix or delete it`)
  return Object.fromEntries(Object.entries(parsed).filter(([, entry]) => isSavedCredential(entry)))
}

// Written to a temporary file and renamed, so a crash never leaves half a file; 0600 because the
// tokens in it act as their user.
function writeCredentials(configDir: string, credentials: CredentialsFile): void {
  mkdirSync(configDir, { recursive: true, mode: 0o700 })
  const file = credentialsPath(configDir)
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 })
  renameSync(temporary, file)
}

/** The credential saved for a server, if any. */
export function findSavedCredential(configDir: string, url: string): SavedCredential | undefined {
  return readCredentials(configDir)[serverKey(url)]
}

/** Saves (or replaces) the credential for a server. */
export function saveCredential(configDir: string, url: string, credential: SavedCredential): void {
  writeCredentials(configDir, { ...readCredentials(configDir), [serverKey(url)]: credential })
}

/** Forgets the credential for a server. */
export function forgetCredential(configDir: string, url: string): void {
  const { [serverKey(url)]: _forgotten, ...rest } = readCredentials(configDir)
  writeCredentials(configDir, rest)
}
