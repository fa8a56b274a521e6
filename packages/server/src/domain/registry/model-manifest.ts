import { createHash } from 'node:crypto'
import { buffer } from 'node:stream/consumers'
import {
  InvalidInputError,
  ModelManifest as ManifestSchema,
  MODEL_MANIFEST_FILE,
  type ModelManifest,
} from '@provena/contract'
import type { BlobStore } from '../../storage/artifacts/blob-store.js'

const MAX_MANIFEST_BYTES = 1024 * 1024

/**
 * The version's `provena-model.json`, if its files have one at the top: read from the blob store,
 * checked against its digest and against the `provena-model-v1` schema. A manifest that is there
 * but not valid fails the registration, so that a version never claims a loading recipe it lacks.
 */
export async function readModelManifest(
  blobs: BlobStore,
  files: readonly { path: string; sizeBytes: number; sha256: string }[],
  source: string,
): Promise<ModelManifest | null> {
  const file = files.find((f) => f.path === MODEL_MANIFEST_FILE)
  if (!file) return null
  const refuse = (why: string, cause?: unknown) =>
    new InvalidInputError(`${MODEL_MANIFEST_FILE} of ${source} ${why}`, cause === undefined ? undefined : { cause })
  if (file.sizeBytes > MAX_MANIFEST_BYTES) throw refuse(`is larger than ${MAX_MANIFEST_BYTES} bytes`)
  const stream = await blobs.get(file.sha256)
  if (!stream) throw refuse('has no stored bytes')
  const bytes = await buffer(stream)
  if (createHash('sha256').update(bytes).digest('hex') !== file.sha256) throw refuse('does not match its digest')
  let json: unknown
  try {
    json = JSON.parse(bytes.toString('utf8'))
  } catch (error) {
    throw refuse('is not JSON', error)
  }
  const parsed = ManifestSchema.safeParse(json)
  if (!parsed.success)
    throw refuse(`is not a provena-model-v1 manifest: ${parsed.error.issues[0]?.message ?? 'invalid'}`)
  return parsed.data
}
