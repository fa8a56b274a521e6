import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createGitRepo, git, writeFiles } from '../test-support/git-repo.js'
import { readGitState, stripUrlCredentials } from './git-state.js'

describe('stripUrlCredentials', () => {
  it.each([
    ['https://user:ghp_secret@github.com/org/repo.git', 'https://github.com/org/repo.git'],
    ['https://x-access-token@github.com/org/repo.git', 'https://github.com/org/repo.git'],
    ['https://github.com/org/repo.git?token=abc#frag', 'https://github.com/org/repo.git'],
    ['ssh://git:pw@host:2222/org/repo.git', 'ssh://git@host:2222/org/repo.git'],
    ['git@github.com:org/repo.git', 'git@github.com:org/repo.git'],
    ['deploy:hunter22@host:org/repo.git', 'deploy@host:org/repo.git'],
    ['/srv/git/repo.git', '/srv/git/repo.git'],
  ])('turns %s into %s', (url, stripped) => {
    expect(stripUrlCredentials(url)).toBe(stripped)
  })
})

describe('readGitState', () => {
  it('is undefined outside a git repository', async () => {
    const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'provena-nogit-')))

    expect(await readGitState(dir)).toBeUndefined()
  })

  it('reads commit, branch and the remote without credentials from a clean checkout', async () => {
    const repo = createGitRepo()
    git(repo, 'remote', 'add', 'origin', 'https://alice:s3cret-pass@git.example.com/org/repo.git')

    const state = await readGitState(path.join(repo))

    expect(state).toEqual({
      repoRoot: repo,
      commit: git(repo, 'rev-parse', 'HEAD').trim(),
      branch: 'main',
      repoUrl: 'https://git.example.com/org/repo.git',
      isDirty: false,
      diff: null,
    })
  })

  it('records tracked changes and untracked files as one patch that applies to the commit', async () => {
    const repo = createGitRepo({ 'train.py': 'print(1)\n' })
    mkdirSync(path.join(repo, 'src'))
    writeFiles(repo, { 'train.py': 'print(2)\n', 'src/new.py': 'x = 1\n', '.env': 'TOKEN=abc\n' })

    const state = await readGitState(path.join(repo, 'src'))

    expect(state?.isDirty).toBe(true)
    expect(state?.diff?.text).toContain('+print(2)')
    expect(state?.diff?.text).toContain('+x = 1')
    expect(state?.diff?.skippedUntracked).toEqual([{ path: '.env', reason: 'its name suggests it holds secrets' }])
    expect(state?.diff?.text).not.toContain('TOKEN=abc')
    const clone = realpathSync(mkdtempSync(path.join(tmpdir(), 'provena-clone-')))
    git(clone, 'clone', '--quiet', repo, '.')
    writeFileSync(path.join(clone, 'changes.diff'), state?.diff?.text ?? '')
    git(clone, 'apply', 'changes.diff')
    expect(git(clone, 'diff', '--stat')).toContain('train.py')
  })

  it('cuts a diff larger than the limit at a line end and says so', async () => {
    const repo = createGitRepo({ 'big.txt': 'start\n' })
    writeFiles(repo, { 'big.txt': Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n') })

    const state = await readGitState(repo, { maxDiffBytes: 4096, maxUntrackedFileBytes: 1024, maxUntrackedFiles: 10 })

    expect(state?.diff?.isTruncated).toBe(true)
    expect(Buffer.byteLength(state?.diff?.text ?? '')).toBeLessThan(4096 + 200)
    expect(state?.diff?.text).toMatch(
      /\n# provena: TRUNCATED at 4096 bytes; the rest of the uncommitted changes was not stored\n$/,
    )
  })

  it('leaves out untracked files over the size limit, naming them', async () => {
    const repo = createGitRepo()
    writeFiles(repo, { 'weights.bin': 'x'.repeat(5000) })

    const state = await readGitState(repo, {
      maxDiffBytes: 1 << 20,
      maxUntrackedFileBytes: 1000,
      maxUntrackedFiles: 10,
    })

    expect(state?.diff?.skippedUntracked).toEqual([{ path: 'weights.bin', reason: 'larger than 1000 bytes' }])
    expect(state?.diff?.text).toBe('# provena: untracked file not stored: weights.bin (larger than 1000 bytes)\n')
  })
})
