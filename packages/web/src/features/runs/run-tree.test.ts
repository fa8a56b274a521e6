import { describe, expect, it } from 'vitest'
import { nestRuns } from './run-tree'

const run = (id: string, parentRunId: string | null = null) => ({ id, parentRunId })
const shape = (rows: ReturnType<typeof nestRuns>) =>
  rows.map((r) => `${'  '.repeat(r.depth)}${r.run.id}:${r.childCount}`)

describe('nestRuns', () => {
  it('puts nested runs right under their parent, keeping the order they came in', () => {
    const runs = [run('c1', 'p'), run('x'), run('p'), run('g', 'c1'), run('c2', 'p')]
    expect(shape(nestRuns(runs, new Set()))).toEqual(['x:0', 'p:2', '  c1:1', '    g:0', '  c2:0'])
  })

  it('hides the children of a collapsed run, and their children too', () => {
    const runs = [run('p'), run('c1', 'p'), run('g', 'c1')]
    const rows = nestRuns(runs, new Set(['p']))
    expect(shape(rows)).toEqual(['p:1'])
    expect(rows[0]?.isExpanded).toBe(false)
  })

  it('keeps a run whose parent is not loaded at the top level', () => {
    expect(shape(nestRuns([run('orphan', 'gone'), run('a')], new Set()))).toEqual(['orphan:0', 'a:0'])
  })
})
