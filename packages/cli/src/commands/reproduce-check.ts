import { createHash } from 'node:crypto'
import { realpath } from 'node:fs/promises'
import path from 'node:path'
import type { RunDatasetLink } from '@provena/contract'
import type { Provena, Run } from '@provena/sdk'
import {
  CAPTURE_TAGS,
  ENVIRONMENT_ARTIFACT,
  type EnvironmentRecord,
  type GitState,
  lockFileDigests,
  readGitState,
  SOURCE_DIFF_ARTIFACT,
} from '@provena/sdk/capture'
import type { CliIo } from '../cli-io.js'
import { withScannedDataset } from './local-dataset.js'

/** One way the current checkout, data or lock files differ from what a run recorded. */
export interface ReproduceDifference {
  kind: 'repository' | 'checkout' | 'commit' | 'diff' | 'dataset' | 'lock-file'
  subject: string
  recorded: string | null
  current: string | null
  message: string
}

/** What a run recorded, as `provena reproduce` needs it. */
export interface RecordedRun {
  run: Run
  environment: EnvironmentRecord | null
  /** The stored diff's text (secrets redacted) when the run had uncommitted changes. */
  diffText: string | null
  inputs: RunDatasetLink[]
}

async function downloadText(client: Provena, runId: string, artifactPath: string): Promise<string | null> {
  try {
    const { body } = await client.artifacts.download(runId, artifactPath)
    return await new Response(body).text()
  } catch {
    return null
  }
}

/** Reads the run, its environment record, its diff and its dataset inputs. */
export async function readRecordedRun(client: Provena, runId: string): Promise<RecordedRun> {
  const run = await client.runs.get(runId)
  const environmentText = await downloadText(client, runId, ENVIRONMENT_ARTIFACT)
  let environment: EnvironmentRecord | null = null
  try {
    environment = environmentText === null ? null : (JSON.parse(environmentText) as EnvironmentRecord)
  } catch {
    environment = null
  }
  const diffPath = run.tags[CAPTURE_TAGS.diff]
  const diffText = diffPath === undefined ? null : await downloadText(client, runId, diffPath)
  const { inputs } = await client.datasets.ofRun(runId)
  return { run, environment, diffText, inputs }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

function codeDifferences(recorded: RecordedRun, current: GitState | undefined): ReproduceDifference[] {
  const { tags } = recorded.run
  const commit = tags[CAPTURE_TAGS.commit] ?? recorded.environment?.code?.commit ?? null
  if (commit === null) return []
  if (current === undefined) {
    return [{ kind: 'checkout', subject: 'git', recorded: commit, current: null, message: 'not inside a git checkout' }]
  }
  const differences: ReproduceDifference[] = []
  const repoUrl = tags[CAPTURE_TAGS.repoUrl] ?? null
  if (repoUrl !== null && current.repoUrl !== null && repoUrl !== current.repoUrl) {
    differences.push({
      kind: 'repository',
      subject: 'remote URL',
      recorded: repoUrl,
      current: current.repoUrl,
      message: `this checkout's remote is ${current.repoUrl}, the run's was ${repoUrl}`,
    })
  }
  if (current.commit !== commit) {
    differences.push({
      kind: 'commit',
      subject: 'HEAD',
      recorded: commit,
      current: current.commit,
      message: `HEAD is ${current.commit ?? '(no commit)'}, the run ran at ${commit}`,
    })
  }
  // Runs logged by other clients (an mlflow script) carry the commit but say nothing about uncommitted changes.
  if (tags[CAPTURE_TAGS.isDirty] === undefined) return differences
  const recordedDiff =
    tags[CAPTURE_TAGS.isDirty] === 'true'
      ? (recorded.environment?.code?.diff?.sha256 ??
        (recorded.diffText === null ? 'unknown' : sha256(recorded.diffText)))
      : null
  const currentDiff = current.diff?.sha256 ?? null
  if (recordedDiff !== currentDiff) {
    const message =
      recordedDiff === null
        ? 'this checkout has uncommitted changes; the run had none'
        : currentDiff === null
          ? `the run had uncommitted changes (${SOURCE_DIFF_ARTIFACT}) that are not applied here`
          : `the uncommitted changes differ from the run's (${SOURCE_DIFF_ARTIFACT})`
    differences.push({
      kind: 'diff',
      subject: 'uncommitted changes',
      recorded: recordedDiff,
      current: currentDiff,
      message,
    })
  }
  return differences
}

async function datasetDifference(link: RunDatasetLink, io: CliIo): Promise<ReproduceDifference | undefined> {
  const version = link.datasetVersion
  const subject = `${version.datasetName}@${version.version}`
  const base = { kind: 'dataset' as const, subject, recorded: version.digest }
  try {
    const scanned = await withScannedDataset(version.source, io, { shouldProfile: false }, async (s) => s)
    if (scanned.digest === version.digest) return undefined
    return {
      ...base,
      current: scanned.digest,
      message: `the data at ${version.source} has digest ${scanned.digest}, not ${version.digest} (\`provena data verify ${subject}\` names the files)`,
    }
  } catch (error) {
    return { ...base, current: null, message: `cannot read ${version.source}: ${(error as Error).message}` }
  }
}

async function lockFileDifferences(environment: EnvironmentRecord | null, current: GitState | undefined) {
  if (!environment || environment.lockFiles.length === 0) return []
  const cwd = await realpath(process.cwd())
  const base = current?.repoRoot ?? cwd
  const found = new Map(
    (await lockFileDigests(current ? [current.repoRoot, cwd] : [cwd], base)).map((f) => [f.path, f]),
  )
  const differences: ReproduceDifference[] = []
  for (const recorded of environment.lockFiles) {
    const now = found.get(recorded.path)
    if (now?.sha256 === recorded.sha256) continue
    differences.push({
      kind: 'lock-file',
      subject: recorded.path,
      recorded: recorded.sha256,
      current: now?.sha256 ?? null,
      message: now ? `${recorded.path} has changed` : `${recorded.path} is missing`,
    })
  }
  return differences
}

/** Every difference between this checkout (and the data where it was registered from) and the run. */
export async function findDifferences(
  recorded: RecordedRun,
  io: CliIo,
): Promise<{ differences: ReproduceDifference[]; current: GitState | undefined }> {
  const current = await readGitState(process.cwd())
  const differences = codeDifferences(recorded, current)
  for (const link of recorded.inputs) {
    const difference = await datasetDifference(link, io)
    if (difference) differences.push(difference)
  }
  differences.push(...(await lockFileDifferences(recorded.environment, current)))
  return { differences, current }
}

/** The directory the run's command ran in, in this checkout. */
export function workingDirectoryOf(recorded: RecordedRun, current: GitState | undefined): string {
  const inRepo = recorded.environment?.command.cwdInRepo ?? null
  if (current && inRepo !== null) return path.join(current.repoRoot, ...inRepo.split('/'))
  return process.cwd()
}
