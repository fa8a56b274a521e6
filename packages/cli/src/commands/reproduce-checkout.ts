import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { CAPTURE_TAGS, type GitState } from '@provena/sdk/capture'
import { CliError } from '../cli-error.js'
import type { RecordedRun } from './reproduce-check.js'

function git(cwd: string, ...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim()
    throw new CliError(`git ${args[0]} failed${stderr ? `: ${stderr}` : ''}`, { cause: error })
  }
}

/**
 * Makes `dir` a separate git worktree of the current repository at the run's commit, with the run's
 * recorded uncommitted changes applied; the user's own checkout is left as it is. Answers the
 * directory to run the recorded command in.
 */
export function checkOutRecordedState(recorded: RecordedRun, current: GitState | undefined, dir: string): string {
  if (current === undefined) {
    throw new CliError('--checkout needs to be run inside a git checkout of the run’s repository')
  }
  const commit = recorded.run.tags[CAPTURE_TAGS.commit] ?? recorded.environment?.code?.commit
  if (!commit) throw new CliError('the run recorded no git commit, so there is nothing to check out')
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new CliError(`--checkout ${dir}: the directory exists and is not empty`)
  }
  try {
    git(current.repoRoot, 'cat-file', '-e', `${commit}^{commit}`)
  } catch (error) {
    throw new CliError(`commit ${commit} is not in this repository; fetch it first (git fetch)`, { cause: error })
  }
  if (recorded.run.tags[CAPTURE_TAGS.diff] !== undefined) {
    if (recorded.diffText === null) throw new CliError('the run’s recorded diff could not be downloaded')
    if (recorded.environment?.code?.diff?.isTruncated) {
      throw new CliError('the run’s recorded diff was truncated when it was stored, so it cannot be applied whole')
    }
  }
  git(current.repoRoot, 'worktree', 'add', '--quiet', '--detach', path.resolve(dir), commit)
  if (recorded.diffText !== null && recorded.diffText.trim() !== '') {
    const scratch = mkdtempSync(path.join(tmpdir(), 'provena-reproduce-'))
    try {
      const patch = path.join(scratch, 'source.diff')
      writeFileSync(patch, recorded.diffText)
      git(path.resolve(dir), 'apply', '--whitespace=nowarn', patch)
    } finally {
      rmSync(scratch, { recursive: true, force: true })
    }
  }
  const inRepo = recorded.environment?.command.cwdInRepo ?? '.'
  return path.join(path.resolve(dir), ...inRepo.split('/').filter((part) => part !== '' && part !== '.'))
}
