import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { NoteVerificationError } from './note-verification-error.js'
import {
  formatCheckpoint,
  generateSignerKey,
  openNote,
  parseCheckpoint,
  signNote,
  verifierKeyOf,
} from './signed-note.js'

// The example key and note of Go's golang.org/x/mod/sumdb/note (note_test.go). Ed25519 is
// deterministic, so signing the same text must reproduce the Go note byte for byte.
const GO_SIGNER_KEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz'
const GO_VERIFIER_KEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
const GO_NOTE = `${GO_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`

const ROOT = Buffer.from('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328', 'hex')
const CHECKPOINT = { origin: 'provena.example.com/audit', treeSize: 8, rootHash: ROOT }

/** `note` with the character at `index` replaced by `char`. */
function replaceAt(note: string, index: number, char: string): string {
  return note.slice(0, index) + char + note.slice(index + 1)
}

describe('signer and verifier keys', () => {
  it('derive the Go example verifier key from the Go example signer key', () => {
    expect(verifierKeyOf(GO_SIGNER_KEY)).toBe(GO_VERIFIER_KEY)
  })

  it('generate keys in the Go note formats with the C2SP key id', () => {
    const signerKey = generateSignerKey('audit.example.com')
    const verifierKey = verifierKeyOf(signerKey)
    const [name, keyId, ...keyParts] = verifierKey.split('+')
    const rawKey = Buffer.from(keyParts.join('+'), 'base64')

    expect(signerKey).toMatch(/^PRIVATE\+KEY\+audit\.example\.com\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/)
    expect(verifierKey).toMatch(/^audit\.example\.com\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/)
    expect(name).toBe('audit.example.com')
    expect(rawKey[0]).toBe(0x01)
    expect(rawKey).toHaveLength(33)
    expect(keyId).toBe(createHash('sha256').update('audit.example.com\n').update(rawKey).digest('hex').slice(0, 8))
    expect(signerKey.split('+')[3]).toBe(keyId)
  })

  it('generate a different key each time', () => {
    expect(generateSignerKey('a')).not.toBe(generateSignerKey('a'))
  })

  it('refuse names that are empty or hold whitespace or a plus sign', () => {
    for (const name of ['', 'a b', 'a\tb', 'a+b', 'a\u00a0b', 'a\nb']) {
      expect(() => generateSignerKey(name)).toThrow(TypeError)
    }
  })

  it('refuse malformed or inconsistent key strings', () => {
    const badSignerKeys = [
      GO_SIGNER_KEY.replace('PRIVATE', 'PUBLIC'),
      GO_SIGNER_KEY.replace('c74f20a3', 'c74f20a4'),
      GO_SIGNER_KEY.replace('c74f20a3', 'c74f20a'),
      GO_SIGNER_KEY.replace('PeterNeumann', 'PeterNeumann2'),
      GO_SIGNER_KEY.slice(0, -2),
      GO_SIGNER_KEY.replace('+AY', '+Ag'),
      GO_VERIFIER_KEY,
    ]
    for (const key of badSignerKeys) expect(() => verifierKeyOf(key)).toThrow(TypeError)
    for (const key of [GO_VERIFIER_KEY.replace('c74f', 'd74f'), GO_VERIFIER_KEY.slice(1), `${GO_VERIFIER_KEY}=`]) {
      expect(() => openNote(GO_NOTE, key)).toThrow(TypeError)
    }
  })
})

describe('signNote and openNote', () => {
  it('reproduce the Go example note byte for byte', () => {
    expect(signNote(GO_TEXT, GO_SIGNER_KEY)).toBe(GO_NOTE)
  })

  it('open the Go example note with the Go verifier key', () => {
    expect(openNote(GO_NOTE, GO_VERIFIER_KEY)).toEqual({ body: GO_TEXT })
  })

  it('round-trip a checkpoint signed with a fresh key', () => {
    const signerKey = generateSignerKey('provena.example.com/audit')
    const body = formatCheckpoint(CHECKPOINT)

    const note = signNote(body, signerKey)

    expect(parseCheckpoint(openNote(note, verifierKeyOf(signerKey)).body)).toEqual(CHECKPOINT)
  })

  it('reject a note in which any byte of the body or signature was changed', () => {
    const signerKey = generateSignerKey('provena')
    const verifierKey = verifierKeyOf(signerKey)
    const note = signNote(formatCheckpoint(CHECKPOINT), signerKey)
    const signatureStart = note.lastIndexOf(' ') + 1
    const positions = [
      0, // origin
      note.indexOf('\n8\n') + 1, // tree size
      note.indexOf('\n8\n') + 4, // root hash
      signatureStart + 2, // key id
      signatureStart + 10, // signature
      note.length - 3, // signature
    ]

    for (const at of positions) {
      const changed = replaceAt(note, at, note[at] === 'A' ? 'B' : 'A')
      expect(() => openNote(changed, verifierKey), `changed at ${at}`).toThrow(NoteVerificationError)
    }
  })

  it('reject a note signed by a different key, even under the same name', () => {
    const note = signNote(GO_TEXT, generateSignerKey('PeterNeumann'))

    expect(() => openNote(note, GO_VERIFIER_KEY)).toThrow(NoteVerificationError)
  })

  it('ignore signatures by other keys and find the expected one among them', () => {
    const other = signNote(GO_TEXT, generateSignerKey('witness.example'))
    const otherLine = other.slice(other.lastIndexOf('\n\n') + 2)
    const note = GO_NOTE + otherLine

    expect(openNote(note, GO_VERIFIER_KEY)).toEqual({ body: GO_TEXT })
    expect(() => openNote(`${GO_TEXT}\n${otherLine}`, GO_VERIFIER_KEY)).toThrow(NoteVerificationError)
  })

  it('reject a bad signature by the expected key even next to a good one', () => {
    const badLine = GO_NOTE.slice(GO_NOTE.lastIndexOf('\n\n') + 2).replace('x08go/ZJ', 'x08go/ZK')

    expect(() => openNote(GO_NOTE + badLine, GO_VERIFIER_KEY)).toThrow(NoteVerificationError)
  })

  it('reject malformed notes', () => {
    const signatureLine = GO_NOTE.slice(GO_NOTE.lastIndexOf('\n\n') + 2)
    const malformed = [
      GO_TEXT, // no signatures
      `${GO_TEXT}\n`, // blank line but no signatures
      GO_NOTE.slice(0, -1), // signature line without newline
      GO_NOTE.replace('\n\n—', '\n—'), // no blank line
      GO_NOTE.replace('—', '-'), // ASCII hyphen instead of the em dash
      GO_NOTE.replace('— PeterNeumann ', '— PeterNeumann  '), // double space
      GO_NOTE.replace('AM=\n', 'AM\n'), // unpadded base64
      `${GO_NOTE}junk\n`, // a line that is no signature
      GO_NOTE.replace('cryptography', 'crypto\tgraphy'), // control character
      GO_NOTE.replace('cryptography', 'crypto\ud800graphy'), // unpaired surrogate
      `${GO_TEXT}\n${signatureLine.repeat(101)}`, // too many signatures
      `${GO_TEXT}\n— PeterNeumann AAAA\n`, // signature blob shorter than key id + 1 byte
    ]

    for (const note of malformed) expect(() => openNote(note, GO_VERIFIER_KEY), note).toThrow(NoteVerificationError)
  })

  it('accept a repeated identical signature, as Go does', () => {
    const signatureLine = GO_NOTE.slice(GO_NOTE.lastIndexOf('\n\n') + 2)

    expect(openNote(GO_NOTE + signatureLine, GO_VERIFIER_KEY)).toEqual({ body: GO_TEXT })
  })

  it('refuse to sign a body without a final newline or with control characters', () => {
    for (const body of ['', 'no newline', 'tab\there\n', 'cr\r\n']) {
      expect(() => signNote(body, GO_SIGNER_KEY)).toThrow(TypeError)
    }
  })
})

describe('formatCheckpoint and parseCheckpoint', () => {
  it('write origin, decimal size and padded standard base64 root, one per line', () => {
    expect(formatCheckpoint(CHECKPOINT)).toBe(
      'provena.example.com/audit\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n',
    )
  })

  it('round-trip the empty tree and a large size', () => {
    const empty = { origin: 'o', treeSize: 0, rootHash: Buffer.alloc(32) }
    const large = { origin: 'o', treeSize: Number.MAX_SAFE_INTEGER, rootHash: ROOT }

    expect([parseCheckpoint(formatCheckpoint(empty)), parseCheckpoint(formatCheckpoint(large))]).toEqual([empty, large])
  })

  it('reject malformed bodies', () => {
    const root = ROOT.toString('base64')
    const malformed = [
      '',
      `o\n8\n${root}`, // no final newline
      `o\n8\n${root}\n\n`, // extra blank line
      `o\n8\n${root}\nextension\n`, // extension line
      `\n8\n${root}\n`, // empty origin
      `o\n08\n${root}\n`, // leading zero
      `o\n-1\n${root}\n`,
      `o\n1e3\n${root}\n`,
      `o\n 8\n${root}\n`,
      `o\n9007199254740992\n${root}\n`, // beyond exact numbers
      `o\n8\n${root.slice(0, -1)}\n`, // unpadded
      `o\n8\n${ROOT.subarray(1).toString('base64')}\n`, // 31 bytes
      `o\n8\n${ROOT.toString('base64url')}\n`, // URL alphabet
      `o\n8\n${root}\r\n`,
    ]

    for (const body of malformed)
      expect(() => parseCheckpoint(body), JSON.stringify(body)).toThrow(NoteVerificationError)
  })

  it('refuse to format what it could not parse back', () => {
    expect(() => formatCheckpoint({ ...CHECKPOINT, origin: '' })).toThrow(TypeError)
    expect(() => formatCheckpoint({ ...CHECKPOINT, origin: 'a\nb' })).toThrow(TypeError)
    expect(() => formatCheckpoint({ ...CHECKPOINT, treeSize: -1 })).toThrow(RangeError)
    expect(() => formatCheckpoint({ ...CHECKPOINT, treeSize: 1.5 })).toThrow(RangeError)
    expect(() => formatCheckpoint({ ...CHECKPOINT, rootHash: Buffer.alloc(31) })).toThrow(RangeError)
  })
})
