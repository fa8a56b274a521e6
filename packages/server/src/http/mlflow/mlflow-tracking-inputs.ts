import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import { InvalidInputError, Key } from '@provena/contract'
import { datasetDigest } from '@provena/data'
import { canonicalJson } from '../../domain/audit/canonical-json.js'
import type { RequestContext } from '../../domain/auth/principal.js'
import type { Services } from '../../services.js'
import type { MlflowDatasetInput } from './mlflow-tracking-json.js'

/** The tag MLflow puts on a dataset input to say what the run used it for (`training`, `eval`…). */
const CONTEXT_TAG = 'mlflow.data.context'
/** The one file of a version that stands for an MLflow dataset: MLflow's own description of it. */
const MLFLOW_DATASET_FILE = 'mlflow-dataset.json'

interface MlflowDataset {
  name: string
  digest: string
  source_type?: string | undefined
  source?: string | undefined
  schema?: string | undefined
  profile?: string | undefined
}

/**
 * Provena dataset names are `[A-Za-z0-9][A-Za-z0-9_.-]*`, up to 128 characters; MLflow's are free
 * text. Other characters become `-`, so `my data (v2)` is the Provena dataset `my-data--v2-`.
 */
function provenaDatasetName(mlflowName: string): string {
  const name = mlflowName
    .replace(/[^A-Za-z0-9_.-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 128)
  return name === '' ? 'mlflow-dataset' : name
}

/**
 * Records MLflow dataset inputs as Provena dataset versions read by the run. MLflow does not
 * list a dataset's files, so the version's one file is MLflow's description of the dataset (name,
 * digest, source type, source, schema, profile) as canonical JSON, stored in the blob store: the
 * same MLflow dataset (same description) is the same version, a changed digest or schema is a new
 * version, and the lineage edge `dataset_version --input--> run` carries the MLflow context tag.
 */
export async function logMlflowInputs(
  { runs, datasets, datasetUsage }: Services,
  ctx: RequestContext,
  runId: string,
  inputs: { tags?: { key: string; value: string }[] | undefined; dataset: MlflowDataset }[],
): Promise<void> {
  // Before a dataset is registered: a caller who may not log to the run leaves nothing behind.
  await runs.requireWritable(ctx, runId)
  for (const { tags = [], dataset } of inputs) {
    const context = tags.find((t) => t.key === CONTEXT_TAG)?.value ?? 'training'
    if (!Key.safeParse(context).success) {
      throw new InvalidInputError(
        `the ${CONTEXT_TAG} tag '${context}' may contain only letters, digits, spaces and _ - . / :`,
      )
    }
    const name = provenaDatasetName(dataset.name)
    const descriptor = Buffer.from(
      canonicalJson({
        format: 'mlflow-dataset-v1',
        name: dataset.name,
        digest: dataset.digest,
        source_type: dataset.source_type ?? '',
        source: dataset.source ?? '',
        schema: dataset.schema ?? '',
        profile: dataset.profile ?? '',
      }),
      'utf8',
    )
    const sha256 = createHash('sha256').update(descriptor).digest('hex')
    await datasets.putBlob(ctx, name, sha256, Readable.from([descriptor]))
    const files = [{ path: MLFLOW_DATASET_FILE, sizeBytes: descriptor.length, sha256 }]
    const { datasetVersion } = await datasets.register(ctx, name, {
      source: (dataset.source || `mlflow:${dataset.source_type || 'unknown'}`).slice(0, 4096),
      format: 'other',
      files,
      digest: datasetDigest(files),
      schema: null,
      profile: null,
      isStored: true,
      description: `MLflow dataset '${dataset.name}' (digest ${dataset.digest}, source type ${dataset.source_type ?? 'unknown'})`,
    })
    await datasetUsage.logInput(ctx, runId, { name, version: datasetVersion.version, context })
  }
}

/**
 * The run's Provena dataset inputs as MLflow dataset inputs: the Provena name, digest (sha256
 * Merkle root) and `datasets:/<name>@<version>` as the source, and the context as MLflow's tag.
 */
export async function datasetInputsOf(
  { datasetUsage }: Services,
  ctx: RequestContext,
  runId: string,
): Promise<MlflowDatasetInput[]> {
  const { inputs } = await datasetUsage.runDatasets(ctx, runId)
  return inputs.map(({ datasetVersion, context }) => ({
    tags: context ? [{ key: CONTEXT_TAG, value: context }] : [],
    dataset: {
      name: datasetVersion.datasetName,
      digest: datasetVersion.digest,
      source_type: 'provena',
      source: `datasets:/${datasetVersion.datasetName}@${datasetVersion.version}`,
    },
  }))
}
