import { InvalidInputError } from './errors.js'
import { MAX_ARTIFACT_PATH_LENGTH, MAX_ARTIFACT_SEGMENT_BYTES } from './limits.js'

// What no artifact path may hold, and why:
// - NUL and control characters: C APIs truncate at NUL; control characters forge log lines.
// - `\`: a separator on Windows, so `a\..\..\x` is a traversal there (an MLflow CVE class).
// - `%`: percent-encoding is decoded once, by the HTTP layer; a `%` left after that is a second
//   encoding (`%252e%252e`), which some later layer could decode into `..` (an MLflow CVE class).
// - `#`, `;`, `?`: URL fragment, path parameter and query delimiters, which URL parsers and proxies
//   cut paths at, so one path could name different files to different layers (MLflow CVE classes).
// - `:`: schemes (`file:`, `s3://`) and Windows drive letters (`C:`) never name an artifact.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
const FORBIDDEN = /[\u0000-\u001f\u007f\\%#;?:]/
const encoder = new TextEncoder()
// A lone UTF-16 surrogate has no UTF-8 form, so it could be neither stored nor audited faithfully.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

function reject(path: string, why: string): never {
  const shown = JSON.stringify(path.length > 80 ? `${path.slice(0, 80)}…` : path)
  throw new InvalidInputError(`invalid artifact path ${shown}: ${why}`)
}

function checkSegment(path: string, segment: string): void {
  if (segment === '') reject(path, 'empty path segments (a leading, trailing or doubled /) are not allowed')
  if (segment === '.' || segment === '..') reject(path, `'${segment}' segments are not allowed`)
  if (encoder.encode(segment).length > MAX_ARTIFACT_SEGMENT_BYTES) {
    reject(path, `a segment is longer than ${MAX_ARTIFACT_SEGMENT_BYTES} bytes`)
  }
  // Compatibility forms of `.`, `/` and `\` (fullwidth `．．／`) turn into the real ones when some
  // layer applies NFKC, as Windows and several libraries do; a segment must survive that unchanged
  // in meaning.
  const compatible = segment.normalize('NFKC')
  if (compatible === '.' || compatible === '..' || /[/\\]/.test(compatible) || FORBIDDEN.test(compatible)) {
    reject(path, 'a segment turns into a path separator or a dot segment under Unicode normalisation')
  }
}

/**
 * The one function that turns a client's artifact path into the key of a run's manifest: a
 * relative, `/`-separated path in Unicode NFC, without `.`/`..`/empty segments or characters that
 * some layer could read as a separator, an encoding or a location. Throws InvalidInputError.
 * @example toArtifactKey('model/weights.bin') // 'model/weights.bin'; toArtifactKey('../etc') throws
 */
export function toArtifactKey(path: string): string {
  if (typeof path !== 'string' || path === '') reject(String(path), 'the path is empty')
  if (LONE_SURROGATE.test(path)) reject(path, 'it holds an unpaired UTF-16 surrogate')
  const normalized = path.normalize('NFC')
  if (normalized.length > MAX_ARTIFACT_PATH_LENGTH) reject(path, `longer than ${MAX_ARTIFACT_PATH_LENGTH} characters`)
  if (normalized.startsWith('/')) reject(path, 'absolute paths are not allowed; name a path inside the run')
  const forbidden = FORBIDDEN.exec(normalized)
  if (forbidden) reject(path, `the character ${JSON.stringify(forbidden[0])} is not allowed`)
  for (const segment of normalized.split('/')) checkSegment(path, segment)
  return normalized
}

/** A directory of artifacts: '' for the run's root, else the key of the directory. */
export function toArtifactDirectory(path: string | undefined): string {
  if (path === undefined || path === '') return ''
  return toArtifactKey(path.endsWith('/') ? path.slice(0, -1) : path)
}
