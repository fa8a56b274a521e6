import {
  ImportBlobParams,
  ImportExperimentBody,
  ImportExperimentResponse,
  ImportModelBody,
  ImportModelResponse,
  ImportRunBody,
  ImportRunResponse,
  MissingBlobsBody,
  MissingBlobsResponse,
} from '@provena/contract'
import { z } from 'zod'
import type { Services } from '../../services.js'
import type { App } from '../app-type.js'
import { rawBodyOf } from './artifacts-routes.js'

const tags = ['import']
const admin = { access: 'admin' } as const
const BASE = '/api/v1/import'

/** Admin-only routes an importer (`provena import mlflow`) uses to keep another tracker's ids and times. */
export function registerImportRoutes(app: App, { imports }: Services): void {
  app.put(
    `${BASE}/blobs/:sha256`,
    { config: admin, schema: { tags, params: ImportBlobParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await imports.putBlob(req.ctx, req.params.sha256, rawBodyOf(req.body))
      return reply.code(204).send(null)
    },
  )
  app.post(
    `${BASE}/blobs/missing`,
    { config: admin, schema: { tags, body: MissingBlobsBody, response: { 200: MissingBlobsResponse } } },
    async (req) => ({ missing: await imports.missingBlobs(req.ctx, req.body.sha256) }),
  )
  app.post(
    `${BASE}/experiments`,
    { config: admin, schema: { tags, body: ImportExperimentBody, response: { 200: ImportExperimentResponse } } },
    async (req) => imports.importExperiment(req.ctx, req.body),
  )
  app.post(
    `${BASE}/runs`,
    { config: admin, schema: { tags, body: ImportRunBody, response: { 200: ImportRunResponse } } },
    async (req) => imports.importRun(req.ctx, req.body),
  )
  app.post(
    `${BASE}/models`,
    { config: admin, schema: { tags, body: ImportModelBody, response: { 200: ImportModelResponse } } },
    async (req) => imports.importModel(req.ctx, req.body),
  )
}
