import type { Generated } from 'kysely'

/** Row types of access control and the audit trail (migration 0003). */
export interface UsersTable {
  id: Generated<number>
  username: string
  passwordHash: string | null
  isAdmin: number
  isDisabled: number
  createdAtMs: number
}

export interface TokensTable {
  id: Generated<number>
  userId: number
  name: string
  /** 'api' for tokens people create, 'session' for browser sign-ins. */
  kind: string
  tokenHash: string
  createdAtMs: number
  expiresAtMs: number | null
  revokedAtMs: number | null
}

export interface PermissionsTable {
  objectType: string
  objectId: string
  userId: number
  level: string
}

export interface AuditEventsTable {
  seq: number
  timeMs: number
  actor: string
  actorKind: string
  sourceIp: string | null
  requestId: string | null
  action: string
  objectType: string
  objectId: string | null
  /** Canonical (RFC 8785) JSON text; verification also checks the text is canonical. */
  beforeJson: string
  afterJson: string
  detailsJson: string
  prevHash: string
  hash: string
}

export interface AuditHeadTable {
  id: number
  seq: number
  hash: string
}

export interface AuditCheckpointsTable {
  treeSize: number
  rootHash: string
  note: string
  createdAtMs: number
}

export interface AccessDB {
  users: UsersTable
  tokens: TokensTable
  permissions: PermissionsTable
  auditEvents: AuditEventsTable
  auditHead: AuditHeadTable
  auditCheckpoints: AuditCheckpointsTable
}
