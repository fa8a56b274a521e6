import { z } from 'zod'
import { PageToken } from './common.js'
import { MAX_PAGE_SIZE } from './limits.js'

/** One event of the audit trail, with its place in the hash chain (see docs/audit-format.md). */
export const AuditEvent = z.object({
  seq: z.number().int(),
  timeMs: z.number().int(),
  actor: z.string(),
  actorKind: z.string(),
  sourceIp: z.string().nullable(),
  requestId: z.string().nullable(),
  action: z.string(),
  objectType: z.string(),
  objectId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  details: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
})
export type AuditEvent = z.infer<typeof AuditEvent>

export const ListAuditEventsQuery = z.object({
  objectType: z.string().max(64).optional(),
  objectId: z.string().max(256).optional(),
  actor: z.string().max(256).optional(),
  action: z.string().max(128).optional(),
  fromMs: z.coerce.number().int().min(0).optional(),
  toMs: z.coerce.number().int().min(0).optional(),
  maxResults: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(100),
  pageToken: PageToken.optional(),
})
export type ListAuditEventsQuery = z.input<typeof ListAuditEventsQuery>

export const ListAuditEventsResponse = z.object({
  events: z.array(AuditEvent),
  nextPageToken: z.string().nullable(),
})
export type ListAuditEventsResponse = z.infer<typeof ListAuditEventsResponse>

/** A signed tree head in the C2SP signed-note checkpoint format. */
export const CheckpointResponse = z.object({
  treeSize: z.number().int(),
  rootHash: z.string(),
  note: z.string(),
  verifierKey: z.string(),
})
export type CheckpointResponse = z.infer<typeof CheckpointResponse>

export const InclusionProofQuery = z.object({
  seq: z.coerce.number().int().min(1),
  treeSize: z.coerce.number().int().min(1).optional(),
})
export const InclusionProofResponse = z.object({
  seq: z.number().int(),
  treeSize: z.number().int(),
  leafHash: z.string(),
  rootHash: z.string(),
  proof: z.array(z.string()),
})
export type InclusionProofResponse = z.infer<typeof InclusionProofResponse>

export const ConsistencyProofQuery = z.object({
  fromSize: z.coerce.number().int().min(1),
  toSize: z.coerce.number().int().min(1).optional(),
})
export const ConsistencyProofResponse = z.object({
  fromSize: z.number().int(),
  toSize: z.number().int(),
  fromRoot: z.string(),
  toRoot: z.string(),
  proof: z.array(z.string()),
})
export type ConsistencyProofResponse = z.infer<typeof ConsistencyProofResponse>
