// Node only: spawns git and python3 and reads files. Loaded on first use by `startRun` (a dynamic
// import), and by the CLI through `@provena/sdk/capture`, so browsers never load it.
import { realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import { MAX_TAG_VALUE_LENGTH } from '@provena/contract'
import {
  allowedEnvironment,
  type HostFacts,
  hostFacts,
  type LockFileDigest,
  lockFileDigests,
  pythonVersion,
} from './environment-facts.js'
import { DEFAULT_DIFF_LIMITS, type DiffLimits, type GitState, readGitState } from './git-state.js'
import { createSecretRedactor, isSecretName, REDACTED, type SecretRedactor } from './secret-redaction.js'

/** The run tags code capture writes (MLflow's names, so MLflow clients' runs carry the same). */
export const CAPTURE_TAGS = {
  commit: 'mlflow.source.git.commit',
  branch: 'mlflow.source.git.branch',
  repoUrl: 'mlflow.source.git.repoURL',
  entryPoint: 'mlflow.source.name',
  sourceType: 'mlflow.source.type',
  user: 'mlflow.user',
  isDirty: 'provena.source.dirty',
  diff: 'provena.source.diff',
  warning: 'provena.capture.warning',
} as const

/** The artifacts capture writes. */
export const ENVIRONMENT_ARTIFACT = 'provena/environment.json'
export const SOURCE_DIFF_ARTIFACT = 'provena/source.diff'

/** What is being run; everything defaults to this process (`process.argv`, `process.cwd()`). */
export interface CaptureContext {
  /** The command line, program first. */
  argv?: string[]
  /** The script or module that is run; by default found in `argv`. */
  entryPoint?: string
  cwd?: string
  /** Anything else to keep with the record, e.g. what `provena run` was given. */
  launch?: Record<string, unknown>
}

/** Settings that come from the client's configuration. */
export interface CaptureSettings {
  /** The environment the program runs with: allow-listed values are kept, secret values redacted everywhere. */
  env: Record<string, string | undefined>
  /** Names to record besides the default allow-list. */
  extraEnvNames?: readonly string[]
  limits?: DiffLimits
}

/** The record stored as `provena/environment.json`. */
export interface EnvironmentRecord {
  format: 'provena-environment-v1'
  capturedAtMs: number
  code: {
    repoRoot: string
    commit: string | null
    branch: string | null
    repoUrl: string | null
    isDirty: boolean
    diff: {
      artifact: string
      sha256: string
      sizeBytes: number
      isTruncated: boolean
      skippedUntracked: { path: string; reason: string }[]
    } | null
  } | null
  command: { argv: string[]; entryPoint: string | null; cwd: string; cwdInRepo: string | null }
  launch: Record<string, unknown> | null
  host: HostFacts
  runtimes: { node: string; python: string | null }
  lockFiles: LockFileDigest[]
  env: Record<string, string>
  warnings: string[]
}

/** Everything captured before the run is created: its tags, the record and the diff to upload. */
export interface RunCapture {
  tags: Record<string, string>
  environment: EnvironmentRecord
  /** The diff with secrets redacted; undefined for a clean checkout. */
  diffText: string | undefined
  warnings: string[]
}

// Programs that run a script named by a later argument (`python train.py`, `uv run train.py`).
const LAUNCHERS =
  /^(python[\d.]*|pypy[\d.]*|node|nodejs|deno|bun|tsx|ts-node|bash|sh|zsh|Rscript|julia|ruby|perl|uv|poetry|pipenv|conda|mamba|micromamba|pixi|hatch|pdm|npx|torchrun|accelerate|deepspeed|mpirun|srun)(\.exe)?$/

/** The script or module a command runs: `-m <module>`, else the first argument that is a file, for known launchers. */
async function entryPointOf(argv: string[], cwd: string): Promise<string | null> {
  const [program, ...args] = argv
  if (program === undefined) return null
  if (!LAUNCHERS.test(path.basename(program))) return program
  const moduleFlag = args.indexOf('-m')
  if (moduleFlag >= 0 && args[moduleFlag + 1] !== undefined) return `-m ${args[moduleFlag + 1]}`
  for (const arg of args) {
    if (arg.startsWith('-')) continue
    const info = await stat(path.resolve(cwd, arg)).catch(() => undefined)
    if (info?.isFile()) return arg
  }
  return program
}

/** argv with secrets hidden: values of `--token x`, `--password=x` and the like, and any known secret value. */
function redactArgv(argv: string[], redactor: SecretRedactor): string[] {
  let isNextSecret = false
  return argv.map((arg) => {
    if (isNextSecret && !arg.startsWith('-')) {
      isNextSecret = false
      return REDACTED
    }
    isNextSecret = false
    const option = /^--?([A-Za-z][\w.-]*)(=?)/.exec(arg)
    if (option?.[1] !== undefined && isSecretName(option[1])) {
      if (option[2] === '=') return `${option[0]}${REDACTED}`
      isNextSecret = true
    }
    return redactor.redact(arg)
  })
}

/** A path inside `root` as `a/b`, or null when it is outside. */
function relativeInside(root: string, target: string): string | null {
  const relative = path.relative(root, target)
  if (relative.startsWith('..') || path.isAbsolute(relative)) return null
  return relative === '' ? '.' : relative.split(path.sep).join('/')
}

function capTag(value: string): string {
  return value.length > MAX_TAG_VALUE_LENGTH ? value.slice(0, MAX_TAG_VALUE_LENGTH) : value
}

function sourceTags(git: GitState | undefined, entryPoint: string | null, user: string | null) {
  const tags: Record<string, string> = { [CAPTURE_TAGS.sourceType]: 'LOCAL' }
  if (entryPoint !== null) tags[CAPTURE_TAGS.entryPoint] = capTag(entryPoint)
  if (user !== null) tags[CAPTURE_TAGS.user] = capTag(user)
  if (git === undefined) return tags
  if (git.commit !== null) tags[CAPTURE_TAGS.commit] = git.commit
  if (git.branch !== null) tags[CAPTURE_TAGS.branch] = capTag(git.branch)
  if (git.repoUrl !== null) tags[CAPTURE_TAGS.repoUrl] = capTag(git.repoUrl)
  tags[CAPTURE_TAGS.isDirty] = String(git.isDirty)
  return tags
}

/** Runs `work`, turning a failure into a warning and a fallback value: capture never fails a run. */
async function orWarn<T>(warnings: string[], what: string, work: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await work()
  } catch (error) {
    warnings.push(`${what}: ${error instanceof Error ? error.message : String(error)}`)
    return fallback
  }
}

/** Captures the code (git) and environment of a run about to start. Never throws: failures become warnings. */
export async function captureRun(context: CaptureContext, settings: CaptureSettings): Promise<RunCapture> {
  const warnings: string[] = []
  const redactor = createSecretRedactor(settings.env)
  const cwd = await realpath(context.cwd ?? process.cwd()).catch(() => context.cwd ?? process.cwd())
  const argv = context.argv ?? [...process.argv]
  const git = await orWarn(warnings, 'git', () => readGitState(cwd, settings.limits ?? DEFAULT_DIFF_LIMITS), undefined)
  const rawEntry =
    context.entryPoint ?? (await orWarn(warnings, 'entry point', () => entryPointOf(argv, cwd), argv[0] ?? null))
  const entryPoint = rawEntry === null ? null : redactor.redact(entryPointInRepo(rawEntry, cwd, git))
  const host = hostFacts()
  const lockFiles = await orWarn(
    warnings,
    'lock files',
    () => lockFileDigests(git ? [git.repoRoot, cwd] : [cwd], git?.repoRoot ?? cwd),
    [],
  )
  const diffText = git?.diff ? redactor.redact(git.diff.text) : undefined
  const environment: EnvironmentRecord = {
    format: 'provena-environment-v1',
    capturedAtMs: Date.now(),
    code: git
      ? {
          repoRoot: git.repoRoot,
          commit: git.commit,
          branch: git.branch,
          repoUrl: git.repoUrl,
          isDirty: git.isDirty,
          diff: git.diff && {
            artifact: SOURCE_DIFF_ARTIFACT,
            sha256: git.diff.sha256,
            sizeBytes: Buffer.byteLength(diffText ?? ''),
            isTruncated: git.diff.isTruncated,
            skippedUntracked: git.diff.skippedUntracked,
          },
        }
      : null,
    command: {
      argv: redactArgv(argv, redactor),
      entryPoint,
      cwd,
      cwdInRepo: git ? relativeInside(git.repoRoot, cwd) : null,
    },
    launch: context.launch ?? null,
    host,
    runtimes: { node: process.version, python: await pythonVersion() },
    lockFiles,
    env: allowedEnvironment(settings.env, settings.extraEnvNames),
    warnings,
  }
  return { tags: sourceTags(git, entryPoint, host.user), environment, diffText, warnings }
}

/** An entry point that is a file inside the repository, as a path from the repository root (MLflow does the same). */
function entryPointInRepo(entryPoint: string, cwd: string, git: GitState | undefined): string {
  if (git === undefined || entryPoint.startsWith('-m ')) return entryPoint
  const absolute = path.resolve(cwd, entryPoint)
  if (!path.isAbsolute(entryPoint) && !entryPoint.includes('/') && !entryPoint.includes('.')) return entryPoint
  return relativeInside(git.repoRoot, absolute) ?? entryPoint
}

/** What storing a capture needs from the client. */
export interface CaptureStore {
  upload(runId: string, path: string, body: () => NonNullable<RequestInit['body']>): Promise<unknown>
  setTags(runId: string, tags: Record<string, string>): Promise<void>
}

/**
 * Uploads `provena/environment.json` and `provena/source.diff` to a created run and sets the
 * `provena.source.diff` tag; failures become the `provena.capture.warning` tag (and are returned).
 */
export async function storeRunCapture(store: CaptureStore, runId: string, capture: RunCapture): Promise<string[]> {
  const warnings = [...capture.warnings]
  const tags: Record<string, string> = {}
  if (capture.diffText !== undefined) {
    const diff = capture.diffText
    const stored = await orWarn(
      warnings,
      'storing the diff',
      async () => {
        await store.upload(runId, SOURCE_DIFF_ARTIFACT, () => diff)
        return true
      },
      false,
    )
    if (stored) tags[CAPTURE_TAGS.diff] = SOURCE_DIFF_ARTIFACT
  }
  const record = JSON.stringify({ ...capture.environment, warnings }, null, 2)
  await orWarn(
    warnings,
    'storing the environment',
    () => store.upload(runId, ENVIRONMENT_ARTIFACT, () => record),
    undefined,
  )
  if (warnings.length > 0) tags[CAPTURE_TAGS.warning] = capTag(warnings.join('; '))
  if (Object.keys(tags).length > 0)
    await orWarn(warnings, 'setting the capture tags', () => store.setTags(runId, tags), undefined)
  return warnings
}
