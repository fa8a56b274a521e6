import {
  CreateRunBody,
  Key,
  RunKeysQuery,
  RunKeysResponse,
  RunParams,
  RunResponse,
  SearchRunsBody,
  SearchRunsResponse,
  TagValue,
  UpdateRunBody,
} from '@provena/contract'
import { z } from 'zod'
import type { Services } from '../../services.js'
import type { App } from '../app-type.js'

const tags = ['runs']
const RunTagParams = RunParams.extend({ key: Key })

export function registerRunsRoutes(app: App, { runs, runSearch }: Services): void {
  app.post(
    '/api/v1/runs',
    { config: { access: 'signed-in' }, schema: { tags, body: CreateRunBody, response: { 201: RunResponse } } },
    async (req, reply) => reply.code(201).send({ run: await runs.create(req.ctx, req.body) }),
  )

  app.get(
    '/api/v1/runs/keys',
    {
      config: { access: 'signed-in' },
      schema: { tags, querystring: RunKeysQuery, response: { 200: RunKeysResponse } },
    },
    async (req) => runSearch.keys(req.ctx, req.query.experimentIds.split(',')),
  )

  app.get(
    '/api/v1/runs/:runId',
    { config: { access: 'signed-in' }, schema: { tags, params: RunParams, response: { 200: RunResponse } } },
    async (req) => ({ run: await runs.get(req.ctx, req.params.runId) }),
  )

  app.patch(
    '/api/v1/runs/:runId',
    {
      config: { access: 'signed-in' },
      schema: { tags, params: RunParams, body: UpdateRunBody, response: { 200: RunResponse } },
    },
    async (req) => ({ run: await runs.update(req.ctx, req.params.runId, req.body) }),
  )

  app.delete(
    '/api/v1/runs/:runId',
    { config: { access: 'signed-in' }, schema: { tags, params: RunParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await runs.delete(req.ctx, req.params.runId)
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/api/v1/runs/:runId/restore',
    { config: { access: 'signed-in' }, schema: { tags, params: RunParams, response: { 200: RunResponse } } },
    async (req) => ({ run: await runs.restore(req.ctx, req.params.runId) }),
  )

  app.put(
    '/api/v1/runs/:runId/tags/:key',
    {
      config: { access: 'signed-in' },
      schema: { tags, params: RunTagParams, body: z.object({ value: TagValue }), response: { 204: z.null() } },
    },
    async (req, reply) => {
      await runs.setTag(req.ctx, req.params.runId, req.params.key, req.body.value)
      return reply.code(204).send(null)
    },
  )

  app.delete(
    '/api/v1/runs/:runId/tags/:key',
    { config: { access: 'signed-in' }, schema: { tags, params: RunTagParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await runs.deleteTag(req.ctx, req.params.runId, req.params.key)
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/api/v1/runs/search',
    { config: { access: 'signed-in' }, schema: { tags, body: SearchRunsBody, response: { 200: SearchRunsResponse } } },
    async (req, reply) => {
      // Up to 1,000 runs with all their params, tags and metrics: checking and copying them
      // through the response schema took a sixth of the search's time. Storage builds them typed.
      reply.serializer(JSON.stringify)
      return runSearch.search(req.ctx, req.body)
    },
  )
}
