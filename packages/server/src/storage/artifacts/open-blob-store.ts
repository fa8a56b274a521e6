import type { BlobStore } from './blob-store.js'
import { createLocalBlobStore } from './local-blob-store.js'
import { createS3BlobStore, type S3Location } from './s3-blob-store.js'

/** Where artifact blobs live, as the configuration names it. */
export type ArtifactLocation = { kind: 'local'; dir: string } | ({ kind: 's3' } & S3Location)

export function openBlobStore(location: ArtifactLocation): BlobStore {
  return location.kind === 'local' ? createLocalBlobStore(location.dir) : createS3BlobStore(location)
}
