import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { runCommand } from './command-output.js'
import { isSecretName, looksSecretValue, REDACTED } from './secret-redaction.js'

/**
 * Environment variables whose values are recorded (documented in docs/code-and-environment.md):
 * they change what a program computes or where it runs, and hold no secrets. Everything else is
 * left out, names included.
 */
export const DEFAULT_ENV_ALLOW_LIST = [
  'CUDA_VISIBLE_DEVICES',
  'CUBLAS_WORKSPACE_CONFIG',
  'NVIDIA_VISIBLE_DEVICES',
  'OMP_NUM_THREADS',
  'MKL_NUM_THREADS',
  'OPENBLAS_NUM_THREADS',
  'NUMEXPR_NUM_THREADS',
  'PYTHONHASHSEED',
  'PYTHONPATH',
  'VIRTUAL_ENV',
  'CONDA_DEFAULT_ENV',
  'CONDA_PREFIX',
  'TF_DETERMINISTIC_OPS',
  'TF_CUDNN_DETERMINISTIC',
  'TF_CPP_MIN_LOG_LEVEL',
  'TORCH_HOME',
  'HF_HOME',
  'HF_HUB_OFFLINE',
  'TRANSFORMERS_OFFLINE',
  'NODE_ENV',
  'NODE_OPTIONS',
  'LANG',
  'LC_ALL',
  'TZ',
] as const

/** The recorded environment variables: allow-listed names that are set; secret-looking values become `[redacted]`. */
export function allowedEnvironment(
  env: Record<string, string | undefined>,
  extraNames: readonly string[] = [],
): Record<string, string> {
  const names = [...new Set([...DEFAULT_ENV_ALLOW_LIST, ...extraNames])].sort()
  const recorded: Record<string, string> = {}
  for (const name of names) {
    const value = env[name]
    if (value === undefined) continue
    recorded[name] = isSecretName(name) || looksSecretValue(value) ? REDACTED : value
  }
  return recorded
}

const LOCK_FILE_NAMES = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock',
  'bun.lockb',
  'poetry.lock',
  'uv.lock',
  'Pipfile.lock',
  'pdm.lock',
  'pylock.toml',
  'environment.yml',
  'environment.yaml',
  'conda-lock.yml',
  'Cargo.lock',
  'go.sum',
  'Gemfile.lock',
  'composer.lock',
])
const LOCK_FILE_PATTERNS = [/^requirements.*\.txt$/, /^constraints.*\.txt$/]

/** True for the file names whose digest is recorded (package-lock.json, requirements*.txt, uv.lock …). */
export function isLockFileName(name: string): boolean {
  return LOCK_FILE_NAMES.has(name) || LOCK_FILE_PATTERNS.some((pattern) => pattern.test(name))
}

/** A lock file's digest; `path` is relative to the repository root (or to the working directory outside one). */
export interface LockFileDigest {
  path: string
  sha256: string
  sizeBytes: number
}

async function sha256OfFile(file: string): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash('sha256')
  let sizeBytes = 0
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer)
    sizeBytes += (chunk as Buffer).length
  }
  return { sha256: hash.digest('hex'), sizeBytes }
}

/** The lock files directly in each of `dirs` (the repository root and the working directory), hashed. */
export async function lockFileDigests(dirs: string[], base: string): Promise<LockFileDigest[]> {
  const found = new Map<string, LockFileDigest>()
  for (const dir of new Set(dirs)) {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
    for (const entry of entries) {
      if (!entry.isFile() || !isLockFileName(entry.name)) continue
      const file = path.join(dir, entry.name)
      const relative = path.relative(base, file).split(path.sep).join('/')
      found.set(relative, { path: relative, ...(await sha256OfFile(file)) })
    }
  }
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : 1))
}

// The python3 on the PATH does not change while a process runs, and asking it can take a while
// (pyenv and conda shims), so a process that starts many runs (a sweep) asks once.
let pythonVersionOnce: Promise<string | null> | undefined

/** The Python 3 version on the PATH (`python3 --version`), or null when there is none or it is slow. */
export function pythonVersion(): Promise<string | null> {
  pythonVersionOnce ??= askPythonVersion(3000)
  return pythonVersionOnce
}

async function askPythonVersion(timeoutMs: number): Promise<string | null> {
  try {
    const out = await runCommand('python3', ['--version'], { timeoutMs, maxStdoutBytes: 1024 })
    // Python 2 printed its version to stderr; Python 3 to stdout.
    const match = /Python\s+(\S+)/.exec(`${out.stdout} ${out.stderr}`)
    return out.code === 0 && match?.[1] ? match[1] : null
  } catch {
    return null
  }
}

/** Where a run is running: host, user, OS, CPU, memory. */
export interface HostFacts {
  hostName: string
  user: string | null
  os: { platform: string; type: string; release: string; arch: string }
  cpu: { model: string | null; logicalCores: number }
  memoryBytes: number
}

export function hostFacts(): HostFacts {
  let user: string | null = null
  try {
    user = os.userInfo().username
  } catch {
    // A uid without a passwd entry (some containers) has no user name.
  }
  const cpus = os.cpus()
  return {
    hostName: os.hostname(),
    user,
    os: { platform: os.platform(), type: os.type(), release: os.release(), arch: os.arch() },
    cpu: { model: cpus[0]?.model.trim() ?? null, logicalCores: os.availableParallelism() },
    memoryBytes: os.totalmem(),
  }
}
