import { createHash } from 'node:crypto'
import type { ImportDatasetInput } from '@provena/contract'
import type { Store } from '../../storage/store.js'
import { canonicalJson } from '../audit/canonical-json.js'
import type { RequestContext } from '../auth/principal.js'
import type { Clock, IdGenerator } from '../clock.js'
import { creatorName } from '../datasets/dataset-access.js'

/** An MLflow dataset input as a Provena dataset version recorded by reference (no bytes). */
export interface ReferenceDataset {
  name: string
  /** The version's digest: a sha256 over MLflow's description of the dataset, see docs/import-mlflow.md. */
  digest: string
  mlflowDigest: string
  context: string
  input: ImportDatasetInput
}

/**
 * MLflow keeps a dataset's name, its own short digest, and where it came from, never its bytes, so
 * an imported input becomes a version that holds no files; its digest is the sha256 of the
 * canonical JSON of that description (format `mlflow-dataset-reference-v1`), so the same MLflow
 * dataset always maps to the same version, and another one never does.
 */
export function datasetsOfInputs(inputs: readonly ImportDatasetInput[]): ReferenceDataset[] {
  return inputs.map((input) => ({
    name: input.name,
    digest: createHash('sha256')
      .update(
        canonicalJson({
          format: 'mlflow-dataset-reference-v1',
          name: input.name,
          digest: input.digest,
          sourceType: input.sourceType,
          source: input.source,
        }),
      )
      .digest('hex'),
    mlflowDigest: input.digest,
    context: input.context,
    input,
  }))
}

/** The version of a reference dataset, made (with its dataset) when it is not there yet. */
async function referenceVersion(
  tx: Store,
  ctx: RequestContext,
  ids: IdGenerator,
  dataset: ReferenceDataset,
  createdAtMs: number,
): Promise<string> {
  const existing = await tx.datasets.findVersionByDigest(dataset.name, dataset.digest)
  if (existing) return existing.id
  let found = await tx.datasets.findDataset(dataset.name)
  if (!found) {
    await tx.datasets.insertDataset({
      id: ids.objectId(),
      name: dataset.name,
      description: null,
      createdAtMs,
      createdBy: creatorName(ctx),
    })
    found = await tx.datasets.findDataset(dataset.name)
  }
  if (!found) throw new Error(`dataset ${dataset.name} vanished while it was imported`)
  const id = ids.objectId()
  const { input } = dataset
  await tx.datasets.insertVersion(
    {
      id,
      datasetId: found.id,
      version: (await tx.datasets.latestVersionNumber(found.id)) + 1,
      digest: dataset.digest,
      source: input.source === '' ? `mlflow:${input.sourceType}` : input.source,
      format: 'other',
      sizeBytes: 0,
      rowCount: null,
      schema: null,
      profile: null,
      isStored: false,
      description: `imported from MLflow: digest ${input.digest}, source type ${input.sourceType || 'unknown'}`,
      createdAtMs,
      createdBy: creatorName(ctx),
    },
    [],
  )
  return id
}

/** Links the run to each input's reference version, as a training code would have with log-input. */
export async function linkImportedInputs(
  tx: Store,
  ctx: RequestContext,
  deps: { clock: Clock; ids: IdGenerator },
  runId: string,
  inputs: readonly ImportDatasetInput[],
  atMs: number,
): Promise<void> {
  for (const dataset of datasetsOfInputs(inputs)) {
    const versionId = await referenceVersion(tx, ctx, deps.ids, dataset, deps.clock.nowMs())
    await tx.lineage.addEdge({
      sourceType: 'dataset_version',
      sourceId: versionId,
      targetType: 'run',
      targetId: runId,
      edgeType: 'input',
      context: dataset.context,
      createdAtMs: atMs,
      createdBy: creatorName(ctx),
    })
  }
}
