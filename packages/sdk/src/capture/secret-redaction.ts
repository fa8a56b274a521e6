/** What replaces a secret in anything Provena stores (logs, diffs, the environment record). */
export const REDACTED = '[redacted]'

// Name parts that mark a variable as holding a secret (split on `_`, `-` and `.`). PWD is the
// working directory, not a password, so only the longer spellings count.
const SECRET_NAME_PARTS = new Set([
  'SECRET',
  'SECRETS',
  'TOKEN',
  'TOKENS',
  'PASSWORD',
  'PASSWD',
  'PASS',
  'PASSPHRASE',
  'KEY',
  'KEYS',
  'APIKEY',
  'CREDENTIAL',
  'CREDENTIALS',
  'CREDS',
  'AUTH',
  'SESSION',
  'COOKIE',
  'PRIVATE',
  'SIGNATURE',
  'DSN',
])
// Substrings that mark a name whatever its separators (`GITHUBTOKEN`, `MY_APIKEY`).
const SECRET_NAME_SUBSTRINGS = /SECRET|TOKEN|PASSW|CREDENTIAL|APIKEY|PRIVATE/

/** True when an environment variable's name says it holds a secret (`AWS_SECRET_ACCESS_KEY`, `HF_TOKEN`). */
export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase()
  if (SECRET_NAME_SUBSTRINGS.test(upper)) return true
  return upper.split(/[_\-.]+/).some((part) => SECRET_NAME_PARTS.has(part))
}

// Well-known token shapes: GitHub, AWS access key ids, OpenAI/Anthropic-style keys, Slack,
// Hugging Face, GitLab, JWTs, PEM private keys.
const SECRET_VALUE_SHAPES = [
  /\bgh[pousr]_[A-Za-z0-9]{20,}/,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/,
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/,
  /\bsk-[A-Za-z0-9_-]{16,}/,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/,
  /\bhf_[A-Za-z0-9]{20,}/,
  /\bglpat-[A-Za-z0-9_-]{16,}/,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
]
// A URL with a password in it: scheme://user:password@host
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/@:\s]*:([^/@\s]+)@/i

/** True when a value looks like a secret whatever its variable is called. */
export function looksSecretValue(value: string): boolean {
  return URL_WITH_PASSWORD.test(value) || SECRET_VALUE_SHAPES.some((shape) => shape.test(value))
}

// Shorter values ("1", "yes", "true") would redact ordinary text everywhere; real secrets are longer.
const MIN_SECRET_LENGTH = 6

/** The secret values of an environment: whole values of secret-named or secret-looking variables, and URL passwords. */
export function secretValuesOf(env: Record<string, string | undefined>): string[] {
  const secrets = new Set<string>()
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.length < MIN_SECRET_LENGTH) continue
    if (isSecretName(name) || looksSecretValue(value)) secrets.add(value)
    const password = URL_WITH_PASSWORD.exec(value)?.[1]
    if (password !== undefined && password.length >= MIN_SECRET_LENGTH) {
      secrets.add(password)
      try {
        secrets.add(decodeURIComponent(password))
      } catch {
        // A password with a stray % is only kept in its written form.
      }
    }
  }
  // Longest first, so a secret that contains another is replaced whole.
  return [...secrets].sort((a, b) => b.length - a.length)
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Replaces known secret values (and secret-looking tokens) in text that Provena is about to store. */
export interface SecretRedactor {
  redact(text: string): string
  /** For `createStreamRedaction`: how much text to hold back, and what to look for. */
  readonly longestSecretLength: number
  readonly hasMultilineSecret: boolean
  readonly pattern: RegExp | undefined
}

/** A redactor for the secret values of `env`. */
export function createSecretRedactor(env: Record<string, string | undefined>): SecretRedactor {
  const secrets = secretValuesOf(env)
  const pattern = secrets.length === 0 ? undefined : new RegExp(secrets.map(escapeRegExp).join('|'), 'g')
  return {
    redact: (text) => (pattern === undefined ? text : text.replace(pattern, REDACTED)),
    longestSecretLength: secrets[0]?.length ?? 0,
    hasMultilineSecret: secrets.some((secret) => secret.includes('\n')),
    pattern,
  }
}

/**
 * Redacts text that arrives in chunks: a secret split across two chunks is still found, because
 * the tail that could be the start of one is held back until the next chunk (or `end`).
 */
export function createStreamRedaction(redactor: SecretRedactor): { push(text: string): string; end(): string } {
  let pending = ''
  const hold = Math.max(0, redactor.longestSecretLength - 1)
  const hasMultilineSecret = redactor.hasMultilineSecret
  return {
    push(text) {
      pending += text
      const { pattern } = redactor
      if (pattern === undefined) {
        const out = pending
        pending = ''
        return out
      }
      // A secret without a line break cannot cross one: whole lines go out at once, which keeps the
      // lines of two streams (stdout, stderr) in the order they were written.
      const lineEnd = hasMultilineSecret ? -1 : pending.lastIndexOf('\n')
      let cut = Math.max(0, pending.length - hold, lineEnd + 1)
      let out = ''
      let from = 0
      pattern.lastIndex = 0
      for (let match = pattern.exec(pending); match !== null; match = pattern.exec(pending)) {
        if (match.index >= cut) break
        out += pending.slice(from, match.index) + REDACTED
        from = match.index + match[0].length
        cut = Math.max(cut, from)
      }
      out += pending.slice(from, cut)
      pending = pending.slice(cut)
      return out
    },
    end() {
      const out = redactor.redact(pending)
      pending = ''
      return out
    },
  }
}
