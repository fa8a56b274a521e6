import { execFileSync } from 'node:child_process'
import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

/** Runs git in `cwd` with a fixed identity (the machine's global config plays no part) and returns stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args],
    { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } },
  )
}

/** A new git repository in a temp dir (its real path) with `files` committed on branch `main`. */
export function createGitRepo(files: Record<string, string> = { 'README.md': 'hello\n' }): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'provena-git-')))
  git(dir, 'init', '--quiet')
  writeFiles(dir, files)
  git(dir, 'add', '-A')
  git(dir, 'commit', '--quiet', '-m', 'first')
  return dir
}

/** Writes files (paths relative to `dir`; their folders must exist). */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content)
}
