import { describe, expect, it } from 'vitest'
import { toArtifactDirectory, toArtifactKey } from './artifact-key.js'
import { InvalidInputError } from './errors.js'

describe('toArtifactKey', () => {
  it('keeps a relative path as it is', () => {
    expect(toArtifactKey('model/weights.bin')).toBe('model/weights.bin')
    expect(toArtifactKey('plots/loss curve (v2).png')).toBe('plots/loss curve (v2).png')
    expect(toArtifactKey('.hidden/..name..')).toBe('.hidden/..name..')
  })

  it('normalises to Unicode NFC, so one name has one key however it was typed', () => {
    expect(toArtifactKey('re\u0301sume\u0301.txt')).toBe('r\u00e9sum\u00e9.txt')
  })

  // Each case is an attack class of MLflow's artifact path CVEs (CVE-2023-1177, -2356, -3765,
  // -6014, -6909, -6974, -6975, -6976, -6977, CVE-2024-0520, -1483, -1558, -1560, -1594, -3573,
  // -4315) or a plain bad path named in the issue.
  const rejected: [what: string, path: string, message: RegExp][] = [
    ['a .. segment', '../secrets', /'\.\.' segments/],
    ['a .. segment in the middle', 'a/../../etc/passwd', /'\.\.' segments/],
    ['a trailing .. segment', 'a/..', /'\.\.' segments/],
    ['a . segment', 'a/./b', /'\.' segments/],
    ['an absolute path', '/etc/passwd', /absolute paths/],
    ['a doubled slash (an empty-scheme or UNC-like //host path)', '//evil.example/share', /absolute paths/],
    ['an empty segment in the middle', 'a//b', /empty path segments/],
    ['a trailing slash', 'a/b/', /empty path segments/],
    ['backslash traversal (Windows separators)', '..\\..\\windows\\win.ini', /"\\\\" is not allowed/],
    ['a backslash anywhere', 'a\\b', /"\\\\" is not allowed/],
    ['a NUL byte', 'model.bin\u0000.txt', /"\\u0000" is not allowed/],
    ['a control character', 'a\nb', /"\\n" is not allowed/],
    ['percent-encoded traversal left after one decoding', '%2e%2e/secrets', /"%" is not allowed/],
    ['double percent-encoding', '%252e%252e%252fsecrets', /"%" is not allowed/],
    ['a fragment delimiter that cuts the path', 'model#/../../etc', /"#" is not allowed/],
    ['a path parameter delimiter', 'model;/../../etc', /";" is not allowed/],
    ['a query delimiter', 'model?x=../..', /"\?" is not allowed/],
    ['a URL scheme', 'file:///etc/passwd', /absolute paths|":" is not allowed/],
    ['an S3 location', 's3://other-bucket/key', /":" is not allowed/],
    ['a Windows drive letter', 'C:/Windows/win.ini', /":" is not allowed/],
    ['fullwidth dots that NFKC turns into ..', '\uff0e\uff0e/secrets', /Unicode normalisation/],
    ['a fullwidth solidus that NFKC turns into /', 'a\uff0f..\uff0fb', /Unicode normalisation/],
    ['an empty path', '', /empty/],
    ['a path longer than 1024 characters', `${'a/'.repeat(600)}x`, /longer than 1024/],
    ['a segment longer than 255 bytes', `${'é'.repeat(128)}.txt`, /longer than 255 bytes/],
    ['an unpaired surrogate', 'a\ud800b', /unpaired UTF-16 surrogate/],
  ]

  it.each(rejected)('rejects %s', (_what, path, message) => {
    expect(() => toArtifactKey(path)).toThrow(InvalidInputError)
    expect(() => toArtifactKey(path)).toThrow(message)
  })

  it('names the path it rejects, shortened', () => {
    expect(() => toArtifactKey(`../${'x'.repeat(200)}`)).toThrow(/^invalid artifact path "\.\.\/x{77}…": /)
  })
})

describe('toArtifactDirectory', () => {
  it('takes an absent or empty directory as the run root and allows one trailing slash', () => {
    expect(toArtifactDirectory(undefined)).toBe('')
    expect(toArtifactDirectory('')).toBe('')
    expect(toArtifactDirectory('model/')).toBe('model')
    expect(() => toArtifactDirectory('model//')).toThrow(InvalidInputError)
  })
})
