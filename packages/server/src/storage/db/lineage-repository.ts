import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { DB } from './schema.js'

/** Node kinds of the lineage graph. */
export type LineageNodeType = 'dataset_version' | 'run' | 'model_version' | 'code_version' | 'external'

export interface LineageNodeId {
  type: LineageNodeType
  id: string
}

export interface LineageEdge {
  sourceType: LineageNodeType
  sourceId: string
  targetType: LineageNodeType
  targetId: string
  /** `input`: the source was read by the target; `output`: the source produced the target; `executed`: code ran. */
  edgeType: 'input' | 'output' | 'executed'
  /** For inputs, what the source was to the run (`training` …); '' when none. */
  context: string
  createdAtMs: number
  createdBy: string | null
}

/** What a walk reached: every node with its least distance from a root, and the edges walked. */
export interface LineageWalk {
  nodes: (LineageNodeId & { depth: number })[]
  edges: Omit<LineageEdge, 'createdBy'>[]
  /** Some node lies exactly one step beyond the depth limit. */
  truncated: boolean
}

export type LineageRepository = ReturnType<typeof createLineageRepository>

function toEdge(row: Record<keyof LineageEdge, unknown>): LineageEdge {
  return {
    sourceType: row.sourceType as LineageNodeType,
    sourceId: String(row.sourceId),
    targetType: row.targetType as LineageNodeType,
    targetId: String(row.targetId),
    edgeType: row.edgeType as LineageEdge['edgeType'],
    context: String(row.context),
    createdAtMs: Number(row.createdAtMs),
    createdBy: row.createdBy === null ? null : String(row.createdBy),
  }
}

interface WalkRow {
  nodeType: string
  nodeId: string
  depth: number | string
  otherType: string | null
  otherId: string | null
  edgeType: string | null
  context: string | null
  createdAtMs: number | string | null
}

/**
 * One walk in one direction, as a recursive CTE that SQLite and PostgreSQL both run. The walk goes
 * one step past `depth` so that the answer can say whether the limit cut anything off. `union`
 * (not `union all`) drops a (node, depth) pair met twice, and every step raises the depth, so a
 * cycle ends at the limit. The final select joins each reached node to the edges it was walked
 * along (nodes at the last level have none to give).
 */
function walkStatement(
  roots: LineageNodeId[],
  direction: 'upstream' | 'downstream',
  depth: number,
): RawBuilder<WalkRow> {
  // Column names only, chosen by the direction: never user input.
  const [near, far] = direction === 'upstream' ? ['target', 'source'] : ['source', 'target']
  const col = (end: string, part: 'type' | 'id') => sql.ref(`e.${end}_${part}`)
  const base = sql.join(
    roots.map((r) => sql`select cast(${r.type} as text), cast(${r.id} as text), 0`),
    sql` union all `,
  )
  return sql<WalkRow>`
    with recursive walk(node_type, node_id, depth) as (
      ${base}
      union
      select ${col(far, 'type')}, ${col(far, 'id')}, w.depth + 1
      from walk w
      join lineage_edges e on ${col(near, 'type')} = w.node_type and ${col(near, 'id')} = w.node_id
      where w.depth < ${depth + 1}
    ),
    reached as (
      select node_type, node_id, min(depth) as depth from walk group by node_type, node_id
    )
    select r.node_type as "nodeType", r.node_id as "nodeId", r.depth as "depth",
           ${col(far, 'type')} as "otherType", ${col(far, 'id')} as "otherId",
           e.edge_type as "edgeType", e.context as "context", e.created_at_ms as "createdAtMs"
    from reached r
    left join lineage_edges e
      on ${col(near, 'type')} = r.node_type and ${col(near, 'id')} = r.node_id and r.depth < ${depth + 1}
  `
}

export function createLineageRepository(db: Kysely<DB>) {
  async function walkOneWay(
    roots: LineageNodeId[],
    direction: 'upstream' | 'downstream',
    depth: number,
  ): Promise<LineageWalk> {
    const { rows } = await walkStatement(roots, direction, depth).execute(db)
    const depths = new Map<string, { node: LineageNodeId; depth: number }>()
    for (const row of rows) {
      const key = `${row.nodeType}:${row.nodeId}`
      if (!depths.has(key)) {
        depths.set(key, { node: { type: row.nodeType as LineageNodeType, id: row.nodeId }, depth: Number(row.depth) })
      }
    }
    const within = (type: string, id: string) => (depths.get(`${type}:${id}`)?.depth ?? depth + 1) <= depth
    const edges: LineageWalk['edges'] = []
    let truncated = false
    for (const row of rows) {
      if (row.otherType === null || row.otherId === null) continue
      if (!within(row.otherType, row.otherId) || !within(row.nodeType, row.nodeId)) {
        truncated = true
        continue
      }
      const near = { type: row.nodeType as LineageNodeType, id: row.nodeId }
      const far = { type: row.otherType as LineageNodeType, id: row.otherId }
      const [source, target] = direction === 'upstream' ? [far, near] : [near, far]
      edges.push({
        sourceType: source.type,
        sourceId: source.id,
        targetType: target.type,
        targetId: target.id,
        edgeType: row.edgeType as LineageEdge['edgeType'],
        context: String(row.context),
        createdAtMs: Number(row.createdAtMs),
      })
    }
    const nodes = [...depths.values()]
      .filter((entry) => entry.depth <= depth)
      .map((entry) => ({ ...entry.node, depth: entry.depth }))
    return { nodes, edges, truncated: truncated || nodes.length < depths.size }
  }

  return {
    /** Adds the edge; false when it exists already. */
    async addEdge(edge: LineageEdge): Promise<boolean> {
      const result = await db
        .insertInto('lineageEdges')
        .values(edge)
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst()
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0
    },

    /** The edge with the same ends, type and context, as stored. */
    async findEdge(edge: Omit<LineageEdge, 'createdAtMs' | 'createdBy'>): Promise<LineageEdge | undefined> {
      const row = await db
        .selectFrom('lineageEdges')
        .selectAll()
        .where('sourceType', '=', edge.sourceType)
        .where('sourceId', '=', edge.sourceId)
        .where('targetType', '=', edge.targetType)
        .where('targetId', '=', edge.targetId)
        .where('edgeType', '=', edge.edgeType)
        .where('context', '=', edge.context)
        .executeTakeFirst()
      return row ? toEdge(row) : undefined
    },

    /** Removes the edge; false when there was none. */
    async deleteEdge(edge: Omit<LineageEdge, 'createdAtMs' | 'createdBy'>): Promise<boolean> {
      const result = await db
        .deleteFrom('lineageEdges')
        .where('sourceType', '=', edge.sourceType)
        .where('sourceId', '=', edge.sourceId)
        .where('targetType', '=', edge.targetType)
        .where('targetId', '=', edge.targetId)
        .where('edgeType', '=', edge.edgeType)
        .where('context', '=', edge.context)
        .executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },

    /** Removes every edge of the type that ends at the node (e.g. the `executed` edge of a run). */
    async deleteEdgesTo(target: LineageNodeId, edgeType: LineageEdge['edgeType']): Promise<number> {
      const result = await db
        .deleteFrom('lineageEdges')
        .where('targetType', '=', target.type)
        .where('targetId', '=', target.id)
        .where('edgeType', '=', edgeType)
        .executeTakeFirst()
      return Number(result.numDeletedRows)
    },

    /** Removes every edge that starts or ends at the node. */
    async deleteEdgesOf(node: LineageNodeId): Promise<void> {
      await db
        .deleteFrom('lineageEdges')
        .where((eb) =>
          eb.or([
            eb.and([eb('sourceType', '=', node.type), eb('sourceId', '=', node.id)]),
            eb.and([eb('targetType', '=', node.type), eb('targetId', '=', node.id)]),
          ]),
        )
        .execute()
    },

    async edgesFrom(sourceType: LineageNodeType, sourceId: string): Promise<LineageEdge[]> {
      const rows = await db
        .selectFrom('lineageEdges')
        .selectAll()
        .where('sourceType', '=', sourceType)
        .where('sourceId', '=', sourceId)
        .orderBy('createdAtMs')
        .execute()
      return rows.map(toEdge)
    },

    async edgesTo(targetType: LineageNodeType, targetId: string): Promise<LineageEdge[]> {
      const rows = await db
        .selectFrom('lineageEdges')
        .selectAll()
        .where('targetType', '=', targetType)
        .where('targetId', '=', targetId)
        .orderBy('createdAtMs')
        .execute()
      return rows.map(toEdge)
    },

    /**
     * Every node within `depth` edges of the roots, walking against the edges (upstream), along them
     * (downstream) or both ways from the roots (each walk on its own, not zig-zagging).
     */
    async walk(roots: LineageNodeId[], direction: 'upstream' | 'downstream' | 'both', depth: number) {
      if (direction !== 'both') return walkOneWay(roots, direction, depth)
      const up = await walkOneWay(roots, 'upstream', depth)
      const down = await walkOneWay(roots, 'downstream', depth)
      const nodes = new Map(up.nodes.map((n) => [`${n.type}:${n.id}`, n]))
      for (const n of down.nodes) {
        const key = `${n.type}:${n.id}`
        const seen = nodes.get(key)
        if (!seen || seen.depth > n.depth) nodes.set(key, n)
      }
      const edges = new Map<string, LineageWalk['edges'][number]>()
      for (const e of [...up.edges, ...down.edges]) {
        edges.set(`${e.sourceType}:${e.sourceId}>${e.targetType}:${e.targetId}:${e.edgeType}:${e.context}`, e)
      }
      return { nodes: [...nodes.values()], edges: [...edges.values()], truncated: up.truncated || down.truncated }
    },
  }
}
