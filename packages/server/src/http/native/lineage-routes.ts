import {
  CreateExternalNodeBody,
  ExternalNodeQuery,
  ExternalNodeResponse,
  LineageEdgeBody,
  LineageEdgeResponse,
  LineageExportQuery,
  LineageGraph,
  LineageQuery,
  LogModelInputBody,
  RunModelInput,
  RunParams,
} from '@provena/contract'
import { z } from 'zod'
import type { Services } from '../../services.js'
import type { App } from '../app-type.js'

const tags = ['lineage']
const signedIn = { access: 'signed-in' } as const

export function registerLineageRoutes(app: App, { lineage, lineageEdits }: Services): void {
  app.get(
    '/api/v1/lineage',
    { config: signedIn, schema: { tags, querystring: LineageQuery, response: { 200: LineageGraph } } },
    async (req) => lineage.graph(req.ctx, req.query),
  )

  // PROV-JSON and OpenLineage answer JSON, DOT answers text: the body is built by the domain, not by a response schema.
  app.get(
    '/api/v1/lineage/export',
    { config: signedIn, schema: { tags, querystring: LineageExportQuery } },
    async (req, reply) => {
      const { contentType, body } = await lineage.export(req.ctx, req.query)
      return reply.type(contentType).send(body)
    },
  )

  app.post(
    '/api/v1/runs/:runId/model-inputs',
    {
      config: signedIn,
      schema: { tags, params: RunParams, body: LogModelInputBody, response: { 200: RunModelInput } },
    },
    async (req) => lineageEdits.logModelInput(req.ctx, req.params.runId, req.body),
  )

  app.post(
    '/api/v1/lineage/external-nodes',
    {
      config: signedIn,
      schema: { tags, body: CreateExternalNodeBody, response: { 201: ExternalNodeResponse } },
    },
    async (req, reply) => reply.code(201).send({ node: await lineageEdits.createExternalNode(req.ctx, req.body) }),
  )

  app.get(
    '/api/v1/lineage/external-nodes',
    { config: signedIn, schema: { tags, querystring: ExternalNodeQuery, response: { 200: ExternalNodeResponse } } },
    async (req) => ({ node: await lineageEdits.getExternalNode(req.ctx, req.query.namespace, req.query.name) }),
  )

  app.delete(
    '/api/v1/lineage/external-nodes',
    { config: signedIn, schema: { tags, querystring: ExternalNodeQuery, response: { 204: z.null() } } },
    async (req, reply) => {
      await lineageEdits.deleteExternalNode(req.ctx, req.query.namespace, req.query.name)
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/api/v1/lineage/edges',
    {
      config: signedIn,
      schema: { tags, body: LineageEdgeBody, response: { 200: LineageEdgeResponse, 201: LineageEdgeResponse } },
    },
    async (req, reply) => {
      const { edge, created } = await lineageEdits.addEdge(req.ctx, req.body)
      return reply.code(created ? 201 : 200).send({ edge })
    },
  )

  app.delete(
    '/api/v1/lineage/edges',
    { config: signedIn, schema: { tags, querystring: LineageEdgeBody, response: { 204: z.null() } } },
    async (req, reply) => {
      await lineageEdits.deleteEdge(req.ctx, req.query)
      return reply.code(204).send(null)
    },
  )
}
