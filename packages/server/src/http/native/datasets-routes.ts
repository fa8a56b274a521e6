import {
  DatasetBlobParams,
  DatasetParams,
  DatasetResponse,
  DatasetVersionOrLatestParams,
  DatasetVersionParams,
  DatasetVersionResponse,
  DatasetVersionRunsResponse,
  DriftBody,
  DriftResponse,
  ListDatasetFilesResponse,
  ListDatasetsQuery,
  ListDatasetsResponse,
  ListDatasetVersionsResponse,
  ListPageQuery,
  LogDatasetInputBody,
  LogDatasetOutputBody,
  RegisterDatasetVersionBody,
  RegisterDatasetVersionResponse,
  RunDatasetLink,
  RunDatasetsResponse,
  RunParams,
} from '@provena/contract'
import { z } from 'zod'
import type { Services } from '../../services.js'
import type { App } from '../app-type.js'
import { rawBodyOf } from './artifacts-routes.js'

const tags = ['datasets']

// A version lists up to 100,000 files (about 15 MB of JSON) besides its profile.
const REGISTER_BODY_LIMIT_BYTES = 64 * 1024 * 1024

export function registerDatasetsRoutes(app: App, { datasets, datasetUsage, drift }: Services): void {
  app.post(
    '/api/v1/datasets/:name/versions',
    {
      bodyLimit: REGISTER_BODY_LIMIT_BYTES,
      config: { access: 'signed-in' },
      schema: {
        tags,
        params: DatasetParams,
        body: RegisterDatasetVersionBody,
        response: { 200: RegisterDatasetVersionResponse, 201: RegisterDatasetVersionResponse },
      },
    },
    async (req, reply) => {
      const result = await datasets.register(req.ctx, req.params.name, req.body)
      return reply.code(result.isNew ? 201 : 200).send(result)
    },
  )

  app.put(
    '/api/v1/datasets/:name/blobs/:sha256',
    { config: { access: 'signed-in' }, schema: { tags, params: DatasetBlobParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await datasets.putBlob(req.ctx, req.params.name, req.params.sha256, rawBodyOf(req.body))
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/api/v1/datasets',
    {
      config: { access: 'signed-in' },
      schema: { tags, querystring: ListDatasetsQuery, response: { 200: ListDatasetsResponse } },
    },
    async (req) => datasets.list(req.ctx, req.query),
  )

  app.get(
    '/api/v1/datasets/:name',
    { config: { access: 'signed-in' }, schema: { tags, params: DatasetParams, response: { 200: DatasetResponse } } },
    async (req) => ({ dataset: await datasets.get(req.ctx, req.params.name) }),
  )

  app.get(
    '/api/v1/datasets/:name/versions',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        params: DatasetParams,
        querystring: ListPageQuery,
        response: { 200: ListDatasetVersionsResponse },
      },
    },
    async (req) => datasets.listVersions(req.ctx, req.params.name, req.query),
  )

  app.get(
    '/api/v1/datasets/:name/versions/:version',
    {
      config: { access: 'signed-in' },
      schema: { tags, params: DatasetVersionOrLatestParams, response: { 200: DatasetVersionResponse } },
    },
    async (req) => {
      const { name, version } = req.params
      return { datasetVersion: await datasets.getVersion(req.ctx, name, version === 'latest' ? undefined : version) }
    },
  )

  app.get(
    '/api/v1/datasets/:name/versions/:version/files',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        params: DatasetVersionParams,
        querystring: ListPageQuery,
        response: { 200: ListDatasetFilesResponse },
      },
    },
    async (req) => datasets.listFiles(req.ctx, req.params.name, req.params.version, req.query),
  )

  app.get(
    '/api/v1/datasets/:name/versions/:version/runs',
    {
      config: { access: 'signed-in' },
      schema: { tags, params: DatasetVersionParams, response: { 200: DatasetVersionRunsResponse } },
    },
    async (req) => ({ runs: await datasetUsage.versionRuns(req.ctx, req.params.name, req.params.version) }),
  )

  app.post(
    '/api/v1/datasets/drift',
    { config: { access: 'signed-in' }, schema: { tags, body: DriftBody, response: { 200: DriftResponse } } },
    async (req) => ({ report: await drift.compare(req.ctx, req.body) }),
  )

  app.post(
    '/api/v1/runs/:runId/inputs',
    {
      config: { access: 'signed-in' },
      schema: { tags, params: RunParams, body: LogDatasetInputBody, response: { 200: RunDatasetLink } },
    },
    async (req) => datasetUsage.logInput(req.ctx, req.params.runId, req.body),
  )

  app.post(
    '/api/v1/runs/:runId/outputs',
    {
      config: { access: 'signed-in' },
      schema: { tags, params: RunParams, body: LogDatasetOutputBody, response: { 200: RunDatasetLink } },
    },
    async (req) => datasetUsage.logOutput(req.ctx, req.params.runId, req.body),
  )

  app.get(
    '/api/v1/runs/:runId/datasets',
    { config: { access: 'signed-in' }, schema: { tags, params: RunParams, response: { 200: RunDatasetsResponse } } },
    async (req) => datasetUsage.runDatasets(req.ctx, req.params.runId),
  )
}
