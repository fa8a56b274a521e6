import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

// scrypt parameters of OWASP's recommendation (N=2^15 would be stronger but costs 32 MiB per check).
const SCRYPT_N = 16_384
const SCRYPT_R = 8
const SCRYPT_P = 1
const KEY_BYTES = 32
const TOKEN_PREFIX = 'pvn_'

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_BYTES, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    )
  })
}

/** A salted scrypt hash, stored as `scrypt$N$r$p$salt$key` (base64) so parameters can change later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scryptAsync(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
  return ['scrypt', SCRYPT_N, SCRYPT_R, SCRYPT_P, salt.toString('base64'), key.toString('base64')].join('$')
}

/** True when `password` matches a hash made by hashPassword; false for anything malformed. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$')
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false
  const expected = Buffer.from(key, 'base64')
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p))
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}

/** A new API or session token: 32 random bytes, recognisable by its prefix. Shown once, never stored. */
export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`
}

/**
 * What is stored of a token. Tokens carry 256 random bits, so a fast hash is enough (no
 * dictionary to attack), and it lets every request find its token with one indexed lookup.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** Whether a presented secret has the shape of one of our tokens (else it may be a password). */
export function looksLikeToken(secret: string): boolean {
  return secret.startsWith(TOKEN_PREFIX)
}

/** A random initial password for the first admin, printed once at first start. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url')
}
