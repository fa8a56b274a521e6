import {
  CreateExperimentBody,
  ExperimentNameParams,
  ExperimentParams,
  ExperimentResponse,
  ListExperimentsQuery,
  ListExperimentsResponse,
  UpdateExperimentBody,
} from '@provena/contract'
import { z } from 'zod'
import type { Services } from '../../services.js'
import type { App } from '../app-type.js'

const tags = ['experiments']

export function registerExperimentsRoutes(app: App, { experiments }: Services): void {
  app.post(
    '/api/v1/experiments',
    { schema: { tags, body: CreateExperimentBody, response: { 201: ExperimentResponse } } },
    async (req, reply) => reply.code(201).send({ experiment: await experiments.create(req.principal, req.body) }),
  )

  app.get(
    '/api/v1/experiments',
    { schema: { tags, querystring: ListExperimentsQuery, response: { 200: ListExperimentsResponse } } },
    async (req) => experiments.list(req.principal, req.query),
  )

  app.get(
    '/api/v1/experiments/:experimentId',
    { schema: { tags, params: ExperimentParams, response: { 200: ExperimentResponse } } },
    async (req) => ({ experiment: await experiments.get(req.principal, req.params.experimentId) }),
  )

  app.get(
    '/api/v1/experiments/by-name/:name',
    { schema: { tags, params: ExperimentNameParams, response: { 200: ExperimentResponse } } },
    async (req) => ({ experiment: await experiments.getByName(req.principal, req.params.name) }),
  )

  app.patch(
    '/api/v1/experiments/:experimentId',
    { schema: { tags, params: ExperimentParams, body: UpdateExperimentBody, response: { 200: ExperimentResponse } } },
    async (req) => ({ experiment: await experiments.update(req.principal, req.params.experimentId, req.body) }),
  )

  app.delete(
    '/api/v1/experiments/:experimentId',
    { schema: { tags, params: ExperimentParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await experiments.delete(req.principal, req.params.experimentId)
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/api/v1/experiments/:experimentId/restore',
    { schema: { tags, params: ExperimentParams, response: { 200: ExperimentResponse } } },
    async (req) => ({ experiment: await experiments.restore(req.principal, req.params.experimentId) }),
  )
}
