/** The least a run needs to be placed in the tree. */
export interface TreeRun {
  id: string
  parentRunId: string | null
}

export interface TreeRow<R extends TreeRun> {
  run: R
  depth: number
  childCount: number
  isExpanded: boolean
}

/**
 * The runs as table rows with nested runs right under their parent (in the order they came),
 * indented by depth. Children of a collapsed run are left out; a run whose parent is not among
 * `runs` (not loaded, filtered out) stays at the top level.
 */
export function nestRuns<R extends TreeRun>(runs: R[], collapsedIds: ReadonlySet<string>): TreeRow<R>[] {
  const present = new Set(runs.map((run) => run.id))
  const children = new Map<string, R[]>()
  const roots: R[] = []
  for (const run of runs) {
    const parent = run.parentRunId
    if (parent !== null && parent !== run.id && present.has(parent)) {
      const siblings = children.get(parent)
      if (siblings) siblings.push(run)
      else children.set(parent, [run])
    } else roots.push(run)
  }
  const rows: TreeRow<R>[] = []
  const visited = new Set<string>()
  const visit = (run: R, depth: number) => {
    // A parent is created before its children, so there are no cycles; this is belt and braces.
    if (visited.has(run.id)) return
    visited.add(run.id)
    const kids = children.get(run.id) ?? []
    const isExpanded = !collapsedIds.has(run.id)
    rows.push({ run, depth, childCount: kids.length, isExpanded })
    if (isExpanded) for (const kid of kids) visit(kid, depth + 1)
  }
  for (const root of roots) visit(root, 0)
  return rows
}
