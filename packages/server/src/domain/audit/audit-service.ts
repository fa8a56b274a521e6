import {
  type AuditEvent,
  type CheckpointResponse,
  type ConsistencyProofResponse,
  type InclusionProofResponse,
  InvalidInputError,
  NotFoundError,
} from '@provena/contract'
import { decodePageToken, encodePageToken } from '../../storage/db/page-token.js'
import type { Store } from '../../storage/store.js'
import type { Authorizer } from '../auth/authorizer.js'
import type { RequestContext } from '../auth/principal.js'
import type { Clock } from '../clock.js'
import { rowToEvent } from './audit-log.js'
import { createChunkedTree } from './merkle-chunks.js'
import { consistencyProofOf, eventLeafHash, inclusionProofOf } from './merkle-tree.js'
import { formatCheckpoint, signNote, verifierKeyOf } from './signed-note.js'
import { verifyStoredChain } from './stored-chain.js'

const CHECKPOINT_ORIGIN = 'provena-audit'
const EXPORT_PAGE = 10_000

export type AuditService = ReturnType<typeof createAuditService>

/** Filters of the event list, newest first. */
export interface AuditEventQuery {
  objectType?: string | undefined
  objectId?: string | undefined
  actor?: string | undefined
  action?: string | undefined
  fromMs?: number | undefined
  toMs?: number | undefined
  maxResults: number
  pageToken?: string | undefined
}

function isBeforeSeq(value: unknown): value is { beforeSeq: number } {
  return (
    typeof value === 'object' && value !== null && Number.isSafeInteger((value as { beforeSeq?: unknown }).beforeSeq)
  )
}

interface Deps {
  store: Store
  clock: Clock
  authorizer: Authorizer
  /** The Ed25519 signer key (C2SP note format) that signs checkpoints. */
  signerKey: string
}

export function createAuditService({ store, clock, authorizer, signerKey }: Deps) {
  // Leaf i of the tree is event i + 1.
  const tree = createChunkedTree(async (from, to) => (await store.audit.hashesBetween(from, to)).map(eventLeafHash))

  async function checkedSize(size: number | undefined): Promise<number> {
    const { seq } = await store.audit.head()
    const treeSize = size ?? seq
    if (treeSize < 1 || treeSize > seq) throw new InvalidInputError(`tree size must be between 1 and ${seq}`)
    return treeSize
  }

  /** Signs the tree head of the whole log now and stores the checkpoint. */
  async function signCheckpoint(): Promise<CheckpointResponse> {
    const { seq } = await store.audit.head()
    const rootHash = (await tree.nodes(seq)).root(0, seq)
    const note = signNote(formatCheckpoint({ origin: CHECKPOINT_ORIGIN, treeSize: seq, rootHash }), signerKey)
    // In a transaction like every write, so the checkpoint is durable before it is handed out.
    await store.transaction((tx) =>
      tx.audit.insertCheckpoint({
        treeSize: seq,
        rootHash: rootHash.toString('hex'),
        note,
        createdAtMs: clock.nowMs(),
      }),
    )
    return { treeSize: seq, rootHash: rootHash.toString('hex'), note, verifierKey: verifierKeyOf(signerKey) }
  }

  return {
    verifierKey: verifierKeyOf(signerKey),

    async list(ctx: RequestContext, query: AuditEventQuery) {
      authorizer.requireAdmin(ctx.principal)
      const cursor = query.pageToken ? decodePageToken(query.pageToken, isBeforeSeq) : undefined
      const rows = await store.audit.list({ ...query, beforeSeq: cursor?.beforeSeq }, query.maxResults + 1)
      const page = rows.slice(0, query.maxResults)
      const last = page[page.length - 1]
      return {
        events: page.map(rowToEvent),
        nextPageToken: rows.length > query.maxResults && last ? encodePageToken({ beforeSeq: last.seq }) : null,
      }
    },

    /** Every event in seq order, with its chain fields, for an export that verifies offline. */
    async *export(ctx: RequestContext): AsyncGenerator<AuditEvent> {
      authorizer.requireAdmin(ctx.principal)
      let after = 0
      for (;;) {
        const rows = await store.audit.range(after, EXPORT_PAGE)
        for (const row of rows) yield rowToEvent(row)
        const last = rows[rows.length - 1]
        if (!last || rows.length < EXPORT_PAGE) return
        after = last.seq
      }
    },

    async verify(ctx: RequestContext) {
      authorizer.requireAdmin(ctx.principal)
      return verifyStoredChain(store)
    },

    async checkpoint(ctx: RequestContext): Promise<CheckpointResponse> {
      authorizer.requireAdmin(ctx.principal)
      return signCheckpoint()
    },

    async latestCheckpoint(ctx: RequestContext): Promise<CheckpointResponse> {
      authorizer.requireSignedIn(ctx.principal)
      const latest = await store.audit.latestCheckpoint()
      if (!latest) throw new NotFoundError('no checkpoint has been signed yet')
      return {
        treeSize: latest.treeSize,
        rootHash: latest.rootHash,
        note: latest.note,
        verifierKey: verifierKeyOf(signerKey),
      }
    },

    /** Signs a checkpoint when enough events arrived since the last one, or enough time passed. */
    async checkpointIfDue({
      everyEvents,
      everyMs,
    }: {
      everyEvents: number
      everyMs: number
    }): Promise<CheckpointResponse | null> {
      const [{ seq }, latest] = [await store.audit.head(), await store.audit.latestCheckpoint()]
      if (seq === 0 || (latest && latest.treeSize === seq)) return null
      const isDue = !latest || seq - latest.treeSize >= everyEvents || clock.nowMs() - latest.createdAtMs >= everyMs
      return isDue ? signCheckpoint() : null
    },

    async inclusionProof(ctx: RequestContext, seq: number, treeSize?: number): Promise<InclusionProofResponse> {
      authorizer.requireAdmin(ctx.principal)
      const size = await checkedSize(treeSize)
      if (seq > size) throw new InvalidInputError(`event ${seq} is not in a tree of size ${size}`)
      const nodes = await tree.nodes(size, [seq - 1])
      return {
        seq,
        treeSize: size,
        leafHash: nodes.leaf(seq - 1).toString('hex'),
        rootHash: nodes.root(0, size).toString('hex'),
        proof: inclusionProofOf(nodes, seq - 1).map((h) => h.toString('hex')),
      }
    },

    async consistencyProof(ctx: RequestContext, fromSize: number, toSize?: number): Promise<ConsistencyProofResponse> {
      authorizer.requireAdmin(ctx.principal)
      const size = await checkedSize(toSize)
      if (fromSize > size) throw new InvalidInputError(`fromSize ${fromSize} is larger than the tree (${size})`)
      // The proof and the old root go down to single leaves around the old tree's end.
      const nodes = await tree.nodes(size, [fromSize - 1, Math.min(fromSize, size - 1)])
      return {
        fromSize,
        toSize: size,
        fromRoot: nodes.root(0, fromSize).toString('hex'),
        toRoot: nodes.root(0, size).toString('hex'),
        proof: consistencyProofOf(nodes, fromSize).map((h) => h.toString('hex')),
      }
    },
  }
}
