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
    {
      config: { access: 'signed-in' },
      schema: { tags, body: CreateExperimentBody, response: { 201: ExperimentResponse } },
    },
    async (req, reply) => reply.code(201).send({ experiment: await experiments.create(req.ctx, req.body) }),
  )

  app.get(
    '/api/v1/experiments',
    {
      config: { access: 'signed-in' },
      schema: { tags, querystring: ListExperimentsQuery, response: { 200: ListExperimentsResponse } },
    },
    async (req) => experiments.list(req.ctx, req.query),
  )

  app.get(
    '/api/v1/experiments/:experimentId',
    {
      config: { access: 'signed-in' },
      schema: { tags, params: ExperimentParams, response: { 200: ExperimentResponse } },
    },
    async (req) => ({ experiment: await experiments.get(req.ctx, req.params.experimentId) }),
  )

  app.get(
    '/api/v1/experiments/by-name/:name',
    {
      config: { access: 'signed-in' },
      schema: { tags, params: ExperimentNameParams, response: { 200: ExperimentResponse } },
    },
    async (req) => ({ experiment: await experiments.getByName(req.ctx, req.params.name) }),
  )

  app.patch(
    '/api/v1/experiments/:experimentId',
    {
      config: { access: 'signed-in' },
      schema: { tags, params: ExperimentParams, body: UpdateExperimentBody, response: { 200: ExperimentResponse } },
    },
    async (req) => ({ experiment: await experiments.update(req.ctx, req.params.experimentId, req.body) }),
  )

  app.delete(
    '/api/v1/experiments/:experimentId',
    { config: { access: 'signed-in' }, schema: { tags, params: ExperimentParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await experiments.delete(req.ctx, req.params.experimentId)
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/api/v1/experiments/:experimentId/restore',
    {
      config: { access: 'signed-in' },
      schema: { tags, params: ExperimentParams, response: { 200: ExperimentResponse } },
    },
    async (req) => ({ experiment: await experiments.restore(req.ctx, req.params.experimentId) }),
  )
}
