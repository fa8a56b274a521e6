import type { Store } from '../../storage/store.js'

/**
 * The lineage edge a model version registered from a run makes: run --output--> model_version.
 * Written by the registry and by the import, inside the transaction that inserts the version.
 */
export async function addRegistrationEdge(
  tx: Store,
  edge: { runId: string; versionId: string; atMs: number; createdBy: string | null },
): Promise<void> {
  await tx.lineage.addEdge({
    sourceType: 'run',
    sourceId: edge.runId,
    targetType: 'model_version',
    targetId: edge.versionId,
    edgeType: 'output',
    context: '',
    createdAtMs: edge.atMs,
    createdBy: edge.createdBy,
  })
}
