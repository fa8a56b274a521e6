import { z } from 'zod'
import { PageToken, RunId } from './common.js'
import { MAX_ARTIFACT_PAGE, MAX_ARTIFACT_PATH_LENGTH } from './limits.js'

/** A sha256 digest as 64 lowercase hex characters. */
export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 digest: 64 lowercase hex characters')

/** The request header that names the sha256 an upload must have; a body that differs is refused. */
export const SHA256_HEADER = 'x-provena-sha256'

/** A stored artifact file of a run. */
export const Artifact = z.object({
  path: z.string(),
  sha256: Sha256,
  sizeBytes: z.number().int().min(0),
  createdAtMs: z.number().int(),
})
export type Artifact = z.infer<typeof Artifact>

/** One entry of a directory listing: a file (with its digest and size) or a directory. */
export const ArtifactEntry = z.object({
  /** The last segment of the path. */
  name: z.string(),
  /** The full path inside the run. */
  path: z.string(),
  isDir: z.boolean(),
  sizeBytes: z.number().int().min(0).nullable(),
  sha256: Sha256.nullable(),
})
export type ArtifactEntry = z.infer<typeof ArtifactEntry>

export const ListArtifactsQuery = z.object({
  /** The directory to list; empty or absent for the run's root. */
  path: z
    .string()
    .max(MAX_ARTIFACT_PATH_LENGTH + 1)
    .optional(),
  maxResults: z.coerce.number().int().min(1).max(MAX_ARTIFACT_PAGE).default(MAX_ARTIFACT_PAGE),
  pageToken: PageToken.optional(),
})
export type ListArtifactsQuery = z.input<typeof ListArtifactsQuery>

export const ListArtifactsResponse = z.object({
  entries: z.array(ArtifactEntry),
  nextPageToken: z.string().nullable(),
})
export type ListArtifactsResponse = z.infer<typeof ListArtifactsResponse>

export const ArtifactResponse = z.object({ artifact: Artifact })
export type ArtifactResponse = z.infer<typeof ArtifactResponse>

/** Admin overrides of a finished run's immutability, and the tar download's directory. */
export const ArtifactWriteQuery = z.object({
  /** Admins only: overwrite or delete artifacts of a finished run (audited as an override). */
  force: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
})

export const ArtifactArchiveQuery = z.object({
  /** The directory to pack; empty or absent for every artifact of the run. */
  path: z
    .string()
    .max(MAX_ARTIFACT_PATH_LENGTH + 1)
    .optional(),
})

export const DeleteArtifactsResponse = z.object({ deleted: z.number().int() })
export type DeleteArtifactsResponse = z.infer<typeof DeleteArtifactsResponse>

export const VerifyArtifactsBody = z.object({
  runId: RunId.optional(),
  /** Also send a `progress` line after every `progressEvery` blobs checked. */
  progressEvery: z.number().int().min(1).optional(),
})
export type VerifyArtifactsBody = z.infer<typeof VerifyArtifactsBody>

/** One line of the verify report (JSON Lines): a problem found, or the summary at the end. */
export const ArtifactVerifyLine = z.discriminatedUnion('type', [
  z.object({ type: z.literal('mismatch'), sha256: Sha256, actualSha256: Sha256, sizeBytes: z.number().int() }),
  z.object({ type: z.literal('missing'), sha256: Sha256 }),
  /** Only when asked for (`progressEvery`): how far the check has got, and how far it goes. */
  z.object({
    type: z.literal('progress'),
    checkedBlobs: z.number().int(),
    checkedBytes: z.number().int(),
    totalBlobs: z.number().int(),
  }),
  z.object({
    type: z.literal('summary'),
    checkedBlobs: z.number().int(),
    checkedBytes: z.number().int(),
    mismatches: z.number().int(),
    missing: z.number().int(),
  }),
])
export type ArtifactVerifyLine = z.infer<typeof ArtifactVerifyLine>
/** A verify line that reports a blob: missing, or stored bytes that do not match their digest. */
export type ArtifactProblem = Extract<ArtifactVerifyLine, { type: 'missing' | 'mismatch' }>

export const GcBody = z.object({
  dryRun: z.boolean().default(false),
  /** Blobs written less than this long ago are kept: an upload may be about to reference them. */
  graceMinutes: z.number().min(0).max(10_080).default(60),
})
export type GcBody = z.input<typeof GcBody>

export const GcResponse = z.object({
  dryRun: z.boolean(),
  /** Blobs that are (or with dryRun would be) removed. */
  removedBlobs: z.number().int(),
  freedBytes: z.number().int(),
  keptBlobs: z.number().int(),
  keptBytes: z.number().int(),
})
export type GcResponse = z.infer<typeof GcResponse>
