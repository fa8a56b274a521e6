import { Readable } from 'node:stream'
import {
  CheckpointResponse,
  ConsistencyProofQuery,
  ConsistencyProofResponse,
  InclusionProofQuery,
  InclusionProofResponse,
  ListAuditEventsQuery,
  ListAuditEventsResponse,
} from '@provena/contract'
import { z } from 'zod'
import type { Services } from '../../services.js'
import type { App } from '../app-type.js'

const tags = ['audit']

const VerifyResponse = z.object({
  ok: z.boolean(),
  count: z.number().int(),
  storedHeadSeq: z.number().int(),
  firstBadSeq: z.number().int().optional(),
  reason: z.string().optional(),
  headHash: z.string().optional(),
})

export function registerAuditRoutes(app: App, { audit }: Services): void {
  app.get(
    '/api/v1/audit/events',
    {
      config: { access: 'admin' },
      schema: { tags, querystring: ListAuditEventsQuery, response: { 200: ListAuditEventsResponse } },
    },
    async (req) => audit.list(req.ctx, req.query),
  )

  app.get('/api/v1/audit/export', { config: { access: 'admin' }, schema: { tags } }, async (req, reply) => {
    const events = audit.export(req.ctx)
    // One JSON object per line (JSON Lines), streamed: the log may be far larger than memory.
    const lines = Readable.from(
      (async function* () {
        for await (const event of events) yield `${JSON.stringify(event)}\n`
      })(),
    )
    return reply.type('application/x-ndjson').send(lines)
  })

  app.post(
    '/api/v1/audit/verify',
    { config: { access: 'admin' }, schema: { tags, response: { 200: VerifyResponse } } },
    async (req) => audit.verify(req.ctx),
  )

  app.post(
    '/api/v1/audit/checkpoints',
    { config: { access: 'admin' }, schema: { tags, response: { 200: CheckpointResponse } } },
    async (req) => audit.checkpoint(req.ctx),
  )

  app.get(
    '/api/v1/audit/checkpoints/latest',
    { config: { access: 'signed-in' }, schema: { tags, response: { 200: CheckpointResponse } } },
    async (req) => audit.latestCheckpoint(req.ctx),
  )

  app.get(
    '/api/v1/audit/public-key',
    { config: { access: 'public' }, schema: { tags, response: { 200: z.object({ verifierKey: z.string() }) } } },
    async () => ({ verifierKey: audit.verifierKey }),
  )

  app.get(
    '/api/v1/audit/proofs/inclusion',
    {
      config: { access: 'admin' },
      schema: { tags, querystring: InclusionProofQuery, response: { 200: InclusionProofResponse } },
    },
    async (req) => audit.inclusionProof(req.ctx, req.query.seq, req.query.treeSize),
  )

  app.get(
    '/api/v1/audit/proofs/consistency',
    {
      config: { access: 'admin' },
      schema: { tags, querystring: ConsistencyProofQuery, response: { 200: ConsistencyProofResponse } },
    },
    async (req) => audit.consistencyProof(req.ctx, req.query.fromSize, req.query.toSize),
  )
}
