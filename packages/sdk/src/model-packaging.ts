// Node only (it uploads a local folder); loaded on first use like local-artifacts.ts.
import { createHash } from 'node:crypto'
import { access } from 'node:fs/promises'
import path from 'node:path'
import type { ModelVersion } from '@provena/contract'
import { InvalidInputError, MODEL_MANIFEST_FILE, ModelManifest, toArtifactKey } from '@provena/contract'
import type { ArtifactsApi } from './artifacts-api.js'
import {
  fileBodyOf,
  hashLocalFolder,
  type LoggedArtifacts,
  logLocalArtifacts,
  type TransferOptions,
} from './local-artifacts.js'

const INPUT_EXAMPLE_FILE = 'input_example.json'

/** What `run.logModel` takes besides the folder. */
export interface LogModelOptions extends TransferOptions {
  /** How to load the model: `pytorch`, `onnx`, `sklearn`, `xgboost`, `transformers`, … */
  framework: string
  /** Inputs and outputs: names, element types and shapes (-1 for a dimension of any size). */
  signature?: {
    inputs: { name?: string; type: string; shape?: number[] }[]
    outputs: { name?: string; type: string; shape?: number[] }[]
  }
  /** An example input, stored as input_example.json (anything JSON can hold). */
  inputExample?: unknown
  /** Packages needed to load it, e.g. ['torch==2.4.1']. */
  requirements?: string[]
  /** Where in the run's artifacts (default `model`). */
  artifactPath?: string
}

/** What `run.logModel` stored, and the URI to register it from. */
export interface LoggedModel extends LoggedArtifacts {
  artifactPath: string
  /** `runs:/<run-id>/<artifactPath>`, for `provena.models.register`. */
  uri: string
}

function upload(api: ArtifactsApi, runId: string, artifactPath: string, text: string, force: boolean | undefined) {
  const sha256 = createHash('sha256').update(text).digest('hex')
  return api.upload(runId, artifactPath, () => text, { sha256, force })
}

/** Uploads a model folder plus its `provena-model.json` (and an input example) below `artifactPath`. */
export async function logModelFolder(
  api: ArtifactsApi,
  runId: string,
  folder: string,
  options: LogModelOptions,
): Promise<LoggedModel> {
  const artifactPath = toArtifactKey(options.artifactPath ?? 'model')
  const hasOwn = await access(path.join(folder, MODEL_MANIFEST_FILE)).then(
    () => true,
    () => false,
  )
  if (hasOwn) throw new InvalidInputError(`${folder} has a ${MODEL_MANIFEST_FILE} already; logModel writes its own`)
  const manifest = ModelManifest.parse({
    format: 'provena-model-v1',
    framework: options.framework,
    signature: options.signature ?? null,
    requirements: options.requirements ?? [],
    inputExample: options.inputExample === undefined ? null : INPUT_EXAMPLE_FILE,
  })
  const logged = await logLocalArtifacts(api, runId, folder, artifactPath, options)
  const extra = [
    await upload(
      api,
      runId,
      `${artifactPath}/${MODEL_MANIFEST_FILE}`,
      `${JSON.stringify(manifest, null, 2)}\n`,
      options.force,
    ),
  ]
  if (options.inputExample !== undefined) {
    extra.push(
      await upload(
        api,
        runId,
        `${artifactPath}/${INPUT_EXAMPLE_FILE}`,
        JSON.stringify(options.inputExample),
        options.force,
      ),
    )
  }
  return { ...logged, artifacts: [...logged.artifacts, ...extra], artifactPath, uri: `runs:/${runId}/${artifactPath}` }
}

/** Uploads a local folder's files by content and registers them as the model's next version. */
export async function registerLocalFolder(
  models: {
    uploadBlob(name: string, sha256: string, body: () => NonNullable<RequestInit['body']>): Promise<void>
    registerFiles(
      name: string,
      files: { path: string; sizeBytes: number; sha256: string }[],
      options?: { description?: string; tags?: Record<string, string> },
    ): Promise<ModelVersion>
  },
  name: string,
  folder: string,
  options: { description?: string; tags?: Record<string, string> },
) {
  const { files } = await hashLocalFolder(folder)
  if (files.length === 0) throw new InvalidInputError(`${folder} has no files to register`)
  const uploaded = new Set<string>()
  for (const file of files) {
    if (uploaded.has(file.sha256)) continue
    uploaded.add(file.sha256)
    await models.uploadBlob(name, file.sha256, fileBodyOf(file.localPath))
  }
  return models.registerFiles(
    name,
    files.map(({ path: filePath, sizeBytes, sha256 }) => ({ path: filePath, sizeBytes, sha256 })),
    options,
  )
}
