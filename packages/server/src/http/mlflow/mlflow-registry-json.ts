import { InvalidInputError, type ModelStage, type ModelVersion, type RegisteredModel } from '@provena/contract'

/** A key/value pair as MLflow's protos carry tags. */
interface MlflowTag {
  key: string
  value: string
}

const tagList = (tags: Record<string, string>): MlflowTag[] =>
  Object.entries(tags).map(([key, value]) => ({ key, value }))

/**
 * MLflow's `ModelVersion` message as its server writes it: `version` is a string, timestamps
 * (int64) are JSON numbers, and fields that are not set, or repeated fields that are empty, are
 * left out (proto JSON).
 */
export function mlflowModelVersion(version: ModelVersion) {
  return {
    name: version.modelName,
    version: String(version.version),
    creation_timestamp: version.createdAtMs,
    last_updated_timestamp: version.updatedAtMs,
    ...(version.createdBy === null ? {} : { user_id: version.createdBy }),
    current_stage: version.stage,
    ...(version.description === null ? {} : { description: version.description }),
    source: version.source,
    ...(version.runId === null ? {} : { run_id: version.runId }),
    status: version.status,
    ...(Object.keys(version.tags).length === 0 ? {} : { tags: tagList(version.tags) }),
    ...(version.aliases.length === 0 ? {} : { aliases: version.aliases }),
  }
}

/** MLflow's `RegisteredModel` message; `latest_versions` holds the newest version of each stage. */
export function mlflowRegisteredModel(model: RegisteredModel, latestVersions: readonly ModelVersion[]) {
  const aliases = Object.entries(model.aliases).map(([alias, version]) => ({ alias, version: String(version) }))
  return {
    name: model.name,
    creation_timestamp: model.createdAtMs,
    last_updated_timestamp: model.updatedAtMs,
    ...(model.createdBy === null ? {} : { user_id: model.createdBy }),
    ...(model.description === null ? {} : { description: model.description }),
    ...(latestVersions.length === 0 ? {} : { latest_versions: latestVersions.map(mlflowModelVersion) }),
    ...(Object.keys(model.tags).length === 0 ? {} : { tags: tagList(model.tags) }),
    ...(aliases.length === 0 ? {} : { aliases }),
  }
}

/** MLflow's `version` parameter: a decimal string (or a JSON number), a version of 1 or more. */
export function versionNumberOf(version: string | number): number {
  const text = String(version).trim()
  const number = /^\d{1,10}$/.test(text) ? Number(text) : Number.NaN
  if (!Number.isSafeInteger(number) || number < 1 || number > 2_147_483_647) {
    throw new InvalidInputError(`Model version must be an integer, got '${String(version)}'`)
  }
  return number
}

const STAGES: readonly ModelStage[] = ['None', 'Staging', 'Production', 'Archived']

/** A stage name as MLflow reads it: case-insensitively (`staging` is Staging). */
export function stageOf(stage: string): ModelStage {
  const found = STAGES.find((s) => s.toLowerCase() === stage.trim().toLowerCase())
  if (!found) {
    throw new InvalidInputError(`Invalid Model Version stage: ${stage}. Value must be one of ${STAGES.join(', ')}.`)
  }
  return found
}

/** Tags as MLflow sends them, a list of `{key, value}`, as Provena's map (a key given twice keeps the last). */
export function tagMapOf(tags: readonly MlflowTag[] | undefined): Record<string, string> | undefined {
  if (tags === undefined || tags.length === 0) return undefined
  return Object.fromEntries(tags.map((t) => [t.key, t.value]))
}
