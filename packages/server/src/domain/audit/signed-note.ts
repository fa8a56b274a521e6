import { Buffer } from 'node:buffer'
import { createPrivateKey, createPublicKey, generateKeyPairSync, hash, type KeyObject, sign, verify } from 'node:crypto'
import { hasLoneSurrogate } from './has-lone-surrogate.js'
import { NoteVerificationError } from './note-verification-error.js'

// Formats from C2SP signed-note and tlog-checkpoint, with the key strings of Go's
// golang.org/x/mod/sumdb/note, so Go tooling (and any witness) can check our notes.
const ALG_ED25519 = 0x01
const SIGNATURE_PREFIX = '\u2014 '
// Go's note.Open gives up beyond this, so a hostile note cannot make verification slow.
const MAX_SIGNATURES = 100
// The fixed DER wrappers (RFC 8410) around a raw Ed25519 seed and public key.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
// Go's rule for names: no Unicode space (unicode.IsSpace also covers U+0085) and no '+'.
const BAD_NAME_CHAR = /[\s\u0085+]/
// A signed note may hold no ASCII control character but newline (C2SP signed-note, Go's note.Open).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f]/
const HEX_KEY_ID = /^[0-9a-fA-F]{8}$/

interface NoteKey {
  name: string
  /** First 4 bytes of SHA-256(name || 0x0A || 0x01 || public key). */
  keyId: Buffer
  publicKey: Buffer
}

/** A new Ed25519 signer key string: `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || 32-byte seed)>`. */
export function generateSignerKey(name: string): string {
  assertKeyName(name)
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const seed = jwkBytes(privateKey, 'd')
  const keyId = noteKeyId(name, jwkBytes(publicKey, 'x'))
  return `PRIVATE+KEY+${name}+${keyId.toString('hex')}+${withAlgorithm(seed).toString('base64')}`
}

/** The verifier key string that goes with a signer key: `<name>+<hex key id>+<base64(0x01 || public key)>`. */
export function verifierKeyOf(signerKey: string): string {
  const { name, keyId, publicKey } = parseSignerKey(signerKey)
  return `${name}+${keyId.toString('hex')}+${withAlgorithm(publicKey).toString('base64')}`
}

/** The note: `body`, a blank line and one signature line `— <name> <base64(key id || signature)>`. */
export function signNote(body: string, signerKey: string): string {
  if (!body.endsWith('\n') || !isNoteText(body)) {
    throw new TypeError('a note body must end with a newline and hold no control character but newline')
  }
  const { name, keyId, privateKey } = parseSignerKey(signerKey)
  const signature = sign(null, Buffer.from(body, 'utf8'), privateKey)
  return `${body}\n${SIGNATURE_PREFIX}${name} ${Buffer.concat([keyId, signature]).toString('base64')}\n`
}

/**
 * The body of a note that carries a valid signature by `verifierKey`. Signatures by other keys are
 * ignored; throws NoteVerificationError when the note is malformed, has no signature by the key, or
 * one of the key's signatures does not verify.
 */
export function openNote(note: string, verifierKey: string): { body: string } {
  const key = parseVerifierKey(verifierKey)
  if (!isNoteText(note)) throw new NoteVerificationError('malformed note: control character or bad Unicode')
  // Signature lines cannot hold a blank line, so the last one ends the body.
  const split = note.lastIndexOf('\n\n')
  if (split < 0) throw new NoteVerificationError('malformed note: no blank line before the signatures')
  const body = note.slice(0, split + 1)
  const signatureBlock = note.slice(split + 2)
  if (!signatureBlock.endsWith('\n')) {
    throw new NoteVerificationError('malformed note: signatures must end with a newline')
  }
  const lines = signatureBlock.slice(0, -1).split('\n')
  if (lines.length > MAX_SIGNATURES) throw new NoteVerificationError('malformed note: too many signatures')
  const publicKey = ed25519PublicKey(key.publicKey)
  let isSigned = false
  for (const line of lines) {
    const { name, keyId, signature } = parseSignatureLine(line)
    if (name !== key.name || !keyId.equals(key.keyId)) continue
    if (signature.length !== 64 || !verify(null, Buffer.from(body, 'utf8'), publicKey, signature)) {
      throw new NoteVerificationError(`invalid signature by key ${describeKey(key)}`)
    }
    isSigned = true
  }
  if (!isSigned) throw new NoteVerificationError(`note has no signature by key ${describeKey(key)}`)
  return { body }
}

/** What a checkpoint commits to: the log's origin, its number of events and the Merkle root over them. */
export interface Checkpoint {
  /** Names the log, e.g. 'provena.example.com/audit'; one line, not empty. */
  origin: string
  treeSize: number
  /** The RFC 6962 root of the first treeSize leaves, 32 bytes. */
  rootHash: Uint8Array
}

/** The C2SP tlog-checkpoint body: `<origin>\n<tree size>\n<base64 root hash>\n`, ready for signNote. */
export function formatCheckpoint({ origin, treeSize, rootHash }: Checkpoint): string {
  if (origin.length === 0 || origin.includes('\n') || !isNoteText(origin)) {
    throw new TypeError('a checkpoint origin must be one non-empty line without control characters')
  }
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) throw new RangeError(`tree size ${treeSize} is not a count`)
  if (rootHash.length !== 32) throw new RangeError(`a root hash has 32 bytes, not ${rootHash.length}`)
  return `${origin}\n${treeSize}\n${Buffer.from(rootHash).toString('base64')}\n`
}

/**
 * The checkpoint a body states, checked strictly: exactly three lines, a decimal size without
 * leading zeros, a canonical base64 root of 32 bytes. Throws NoteVerificationError otherwise.
 */
export function parseCheckpoint(body: string): Checkpoint & { rootHash: Buffer } {
  const lines = body.split('\n')
  // Extension lines are allowed by tlog-checkpoint, but our logs write none, so one is a forgery sign.
  if (lines.length !== 4 || lines[3] !== '') {
    throw new NoteVerificationError('malformed checkpoint: expected exactly three lines, each ending in a newline')
  }
  const [origin, sizeText, rootText] = lines as [string, string, string]
  if (origin.length === 0 || !isNoteText(origin)) {
    throw new NoteVerificationError('malformed checkpoint: bad origin line')
  }
  const treeSize = Number(sizeText)
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(treeSize)) {
    throw new NoteVerificationError(`malformed checkpoint: bad tree size '${sizeText}'`)
  }
  const rootHash = strictBase64(rootText)
  if (rootHash?.length !== 32) throw new NoteVerificationError(`malformed checkpoint: bad root hash '${rootText}'`)
  return { origin, treeSize, rootHash }
}

function parseSignatureLine(line: string): { name: string; keyId: Buffer; signature: Buffer } {
  const space = line.indexOf(' ', SIGNATURE_PREFIX.length)
  if (!line.startsWith(SIGNATURE_PREFIX) || space < 0) {
    throw new NoteVerificationError(`malformed note: bad signature line '${line}'`)
  }
  const name = line.slice(SIGNATURE_PREFIX.length, space)
  const blob = strictBase64(line.slice(space + 1))
  if (!isKeyName(name) || blob === undefined || blob.length < 5) {
    throw new NoteVerificationError(`malformed note: bad signature line '${line}'`)
  }
  return { name, keyId: blob.subarray(0, 4), signature: blob.subarray(4) }
}

function parseSignerKey(signerKey: string): NoteKey & { privateKey: KeyObject } {
  const [privateWord, keyWord, rest] = splitOnce(signerKey, '+', 2)
  if (privateWord !== 'PRIVATE' || keyWord !== 'KEY') throw new TypeError('malformed signer key')
  const { name, keyId, keyBytes } = parseKeyString(rest, 'signer')
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, keyBytes]),
    format: 'der',
    type: 'pkcs8',
  })
  const publicKey = jwkBytes(createPublicKey(privateKey), 'x')
  if (!noteKeyId(name, publicKey).equals(keyId)) throw new TypeError('signer key id does not match its key')
  return { name, keyId, publicKey, privateKey }
}

function parseVerifierKey(verifierKey: string): NoteKey {
  const { name, keyId, keyBytes } = parseKeyString(verifierKey, 'verifier')
  if (!noteKeyId(name, keyBytes).equals(keyId)) throw new TypeError('verifier key id does not match its key')
  return { name, keyId, publicKey: keyBytes }
}

/** `<name>+<hex key id>+<base64(0x01 || 32 bytes)>`, the part both key strings share. */
function parseKeyString(text: string, kind: string): { name: string; keyId: Buffer; keyBytes: Buffer } {
  // The base64 part may itself contain '+', so only the first two '+' separate fields.
  const [name, hexKeyId, base64Key] = splitOnce(text, '+', 2)
  const key = strictBase64(base64Key)
  if (!isKeyName(name) || !HEX_KEY_ID.test(hexKeyId) || key === undefined) throw new TypeError(`malformed ${kind} key`)
  if (key.length !== 33 || key[0] !== ALG_ED25519) throw new TypeError(`${kind} key is not an Ed25519 key`)
  return { name, keyId: Buffer.from(hexKeyId, 'hex'), keyBytes: key.subarray(1) }
}

/** The C2SP signed-note key id of an Ed25519 key: SHA-256(name || 0x0A || 0x01 || public key)[:4]. */
function noteKeyId(name: string, publicKey: Uint8Array): Buffer {
  const input = Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), withAlgorithm(publicKey)])
  return hash('sha256', input, 'buffer').subarray(0, 4)
}

function withAlgorithm(key: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([ALG_ED25519]), key])
}

function ed25519PublicKey(raw: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' })
}

function jwkBytes(key: KeyObject, member: 'd' | 'x'): Buffer {
  const value = key.export({ format: 'jwk' })[member]
  if (typeof value !== 'string') throw new TypeError(`an Ed25519 JWK without '${member}'`)
  return Buffer.from(value, 'base64url')
}

/** Decodes standard padded base64 only when it is in its one canonical form, since Buffer.from skips junk. */
function strictBase64(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64')
  return text.length > 0 && bytes.toString('base64') === text ? bytes : undefined
}

/** `text` cut at the first `count` separators; the last part keeps any further ones. Missing parts are ''. */
function splitOnce(text: string, separator: string, count: number): string[] {
  const parts: string[] = []
  let rest = text
  for (let i = 0; i < count; i++) {
    const at = rest.indexOf(separator)
    if (at < 0) return [...parts, rest, ...Array<string>(count - i).fill('')]
    parts.push(rest.slice(0, at))
    rest = rest.slice(at + 1)
  }
  return [...parts, rest]
}

function isKeyName(name: string): boolean {
  return name.length > 0 && !BAD_NAME_CHAR.test(name) && isNoteText(name)
}

function assertKeyName(name: string): void {
  if (!isKeyName(name)) {
    throw new TypeError(`key name '${name}' must be non-empty, without spaces, '+' or control characters`)
  }
}

/** Whether `text` may appear in a signed note: valid Unicode without control characters but newline. */
function isNoteText(text: string): boolean {
  return !CONTROL_BUT_NEWLINE.test(text) && !hasLoneSurrogate(text)
}

function describeKey(key: NoteKey): string {
  return `${key.name}+${key.keyId.toString('hex')}`
}
