import type { Kysely } from 'kysely'
import type { DB } from './schema.js'

/** Node kinds of the lineage graph. */
export type LineageNodeType = 'dataset_version' | 'run'

export interface LineageEdge {
  sourceType: LineageNodeType
  sourceId: string
  targetType: LineageNodeType
  targetId: string
  /** `input`: a dataset version was read by a run; `output`: a run produced a dataset version. */
  edgeType: 'input' | 'output'
  /** For inputs, what the data was to the run (`training` …); '' when none. */
  context: string
  createdAtMs: number
  createdBy: string | null
}

export type LineageRepository = ReturnType<typeof createLineageRepository>

export function createLineageRepository(db: Kysely<DB>) {
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
  }
}
