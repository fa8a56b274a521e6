import { createHash } from 'node:crypto'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { runCommand } from './command-output.js'

/** Limits on the stored diff of uncommitted changes. */
export interface DiffLimits {
  /** The whole diff (tracked changes, then untracked files) is cut here, at a line end. */
  maxDiffBytes: number
  /** An untracked file larger than this is named in the diff but not included. */
  maxUntrackedFileBytes: number
  /** Untracked files beyond this many are not read (a data folder that is not ignored). */
  maxUntrackedFiles: number
}

export const DEFAULT_DIFF_LIMITS: DiffLimits = {
  maxDiffBytes: 5 * 1024 * 1024,
  maxUntrackedFileBytes: 256 * 1024,
  maxUntrackedFiles: 1000,
}

/** The uncommitted changes of a checkout as one patch `git apply` takes (unless truncated). */
export interface SourceDiff {
  text: string
  /** The sha256 of `text` as captured (before secrets are redacted), to compare two checkouts. */
  sha256: string
  isTruncated: boolean
  /** Untracked files left out, with why. */
  skippedUntracked: { path: string; reason: string }[]
}

/** The state of the git checkout around a directory. */
export interface GitState {
  repoRoot: string
  /** null in a repository without commits. */
  commit: string | null
  /** null when HEAD is detached. */
  branch: string | null
  /** The fetch URL of the branch's remote (else `origin`, else the first), credentials stripped. */
  repoUrl: string | null
  isDirty: boolean
  /** null when the checkout is clean. */
  diff: SourceDiff | null
}

const GIT_TIMEOUT_MS = 15_000

async function git(cwd: string, args: string[], maxStdoutBytes?: number) {
  // -c options keep a user's diff settings (colour, external diff tools, text conversion) out of the patch.
  return runCommand('git', ['-c', 'color.ui=never', '-c', 'core.quotePath=false', ...args], {
    cwd,
    timeoutMs: GIT_TIMEOUT_MS,
    maxStdoutBytes,
  })
}

async function gitLine(cwd: string, args: string[]): Promise<string | null> {
  const out = await git(cwd, args)
  const line = out.stdout.trim()
  return out.code === 0 && line !== '' ? line : null
}

/**
 * A remote URL without credentials: user name and password of http(s) and other URLs (a token is
 * often the user name), the password of ssh URLs (their user, e.g. `git`, stays), query and fragment.
 * @example stripUrlCredentials('https://x-token:ghp_abc@github.com/o/r.git') // 'https://github.com/o/r.git'
 */
export function stripUrlCredentials(url: string): string {
  const withScheme = /^([a-z][a-z0-9+.-]*):\/\/(?:([^/@]*)@)?([^?#]*)/i.exec(url)
  if (withScheme) {
    const [, scheme = '', userinfo, rest = ''] = withScheme
    const isSsh = /ssh/i.test(scheme)
    const user = isSsh && userinfo ? `${userinfo.split(':')[0]}@` : ''
    return `${scheme}://${user}${rest}`
  }
  // scp-like `user:password@host:path`: keep the user only.
  const scpLike = /^([^@/:]+):[^@/]*@([^:/]+:.*)$/.exec(url)
  if (scpLike) return `${scpLike[1]}@${scpLike[2]}`
  return url
}

// Untracked files that usually hold secrets are never read into the diff.
const SECRET_FILE =
  /(^|\/)(\.env(\..*)?|\.netrc|\.npmrc|\.pypirc|\.pgpass|id_(rsa|dsa|ecdsa|ed25519)[^/]*|[^/]*credentials[^/]*|[^/]*secret[^/]*|[^/]*\.(pem|key|p12|pfx|jks|keystore))$/i

async function chooseRemote(cwd: string, branch: string | null): Promise<string | null> {
  const names = (await git(cwd, ['remote'])).stdout.split('\n').filter((name) => name !== '')
  if (names.length === 0) return null
  const upstream = branch === null ? null : await gitLine(cwd, ['config', '--get', `branch.${branch}.remote`])
  const name = upstream !== null && names.includes(upstream) ? upstream : names.includes('origin') ? 'origin' : names[0]
  if (name === undefined) return null
  const url = await gitLine(cwd, ['remote', 'get-url', name])
  return url === null ? null : stripUrlCredentials(url)
}

function untrackedPaths(porcelainZ: string): string[] {
  return porcelainZ
    .split('\0')
    .filter((entry) => entry.startsWith('?? '))
    .map((entry) => entry.slice(3))
}

/** Cuts text to at most `maxBytes` UTF-8 bytes, at the last line end before the limit. */
function cutAtLine(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8')
  if (bytes.length <= maxBytes) return text
  const head = bytes.subarray(0, maxBytes).toString('utf8')
  const lineEnd = head.lastIndexOf('\n')
  return lineEnd < 0 ? '' : head.slice(0, lineEnd + 1)
}

async function untrackedPatch(root: string, file: string, limits: DiffLimits): Promise<string | { reason: string }> {
  if (SECRET_FILE.test(file)) return { reason: 'its name suggests it holds secrets' }
  const info = await stat(path.join(root, file)).catch(() => undefined)
  if (!info?.isFile()) return { reason: 'not a regular file' }
  if (info.size > limits.maxUntrackedFileBytes) {
    return { reason: `larger than ${limits.maxUntrackedFileBytes} bytes` }
  }
  // `git diff --no-index` against /dev/null writes the "new file" patch git apply expects; it exits 1 when they differ.
  const out = await git(root, [
    'diff',
    '--no-index',
    '--no-ext-diff',
    '--no-textconv',
    '--binary',
    '--',
    '/dev/null',
    file,
  ])
  return out.code === 0 || out.code === 1 ? out.stdout : { reason: `git diff failed: ${out.stderr.trim()}` }
}

async function readDiff(
  root: string,
  hasCommit: boolean,
  untracked: string[],
  limits: DiffLimits,
): Promise<SourceDiff> {
  const skippedUntracked: SourceDiff['skippedUntracked'] = []
  let text = ''
  let isTruncated = false
  if (hasCommit) {
    const tracked = await git(
      root,
      ['diff', '--no-ext-diff', '--no-textconv', '--binary', 'HEAD', '--'],
      limits.maxDiffBytes + 1,
    )
    if (tracked.code !== 0 && !tracked.isCut) throw new Error(`git diff failed: ${tracked.stderr.trim()}`)
    text = tracked.stdout
    isTruncated = tracked.isCut
  }
  for (const [index, file] of untracked.entries()) {
    if (isTruncated || index >= limits.maxUntrackedFiles) {
      skippedUntracked.push({ path: file, reason: isTruncated ? 'the diff is full' : 'too many untracked files' })
      continue
    }
    const patch = await untrackedPatch(root, file, limits)
    if (typeof patch !== 'string') skippedUntracked.push({ path: file, ...patch })
    else if (Buffer.byteLength(text + patch) > limits.maxDiffBytes) {
      isTruncated = true
      skippedUntracked.push({ path: file, reason: 'the diff is full' })
    } else text += patch
  }
  if (Buffer.byteLength(text) > limits.maxDiffBytes) isTruncated = true
  if (isTruncated) {
    text = `${cutAtLine(text, limits.maxDiffBytes)}# provena: TRUNCATED at ${limits.maxDiffBytes} bytes; the rest of the uncommitted changes was not stored\n`
  }
  for (const skipped of skippedUntracked)
    text += `# provena: untracked file not stored: ${skipped.path} (${skipped.reason})\n`
  return { text, sha256: createHash('sha256').update(text).digest('hex'), isTruncated, skippedUntracked }
}

/**
 * Reads commit, branch, remote, dirtiness and the diff of the checkout around `cwd`; `undefined`
 * when `cwd` is not inside a git repository or git is not installed.
 */
export async function readGitState(
  cwd: string,
  limits: DiffLimits = DEFAULT_DIFF_LIMITS,
): Promise<GitState | undefined> {
  let repoRoot: string | null
  try {
    repoRoot = await gitLine(cwd, ['rev-parse', '--show-toplevel'])
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  if (repoRoot === null) return undefined
  const commit = await gitLine(repoRoot, ['rev-parse', '--verify', '--quiet', 'HEAD'])
  const branch = await gitLine(repoRoot, ['symbolic-ref', '--quiet', '--short', 'HEAD'])
  const repoUrl = await chooseRemote(repoRoot, branch)
  // --no-optional-locks: status would otherwise refresh (write) the index of the user's checkout.
  const status = await git(repoRoot, ['--no-optional-locks', 'status', '--porcelain', '-z', '--untracked-files=all'])
  if (status.code !== 0) throw new Error(`git status failed: ${status.stderr.trim()}`)
  const isDirty = status.stdout !== ''
  const diff = isDirty ? await readDiff(repoRoot, commit !== null, untrackedPaths(status.stdout), limits) : null
  return { repoRoot, commit, branch, repoUrl, isDirty, diff }
}
