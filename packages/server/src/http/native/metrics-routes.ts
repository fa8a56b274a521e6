import {
  encodeMetricValue,
  LogBatchBody,
  LogBatchResponse,
  MetricHistoryParams,
  MetricHistoryQuery,
  MetricHistoryResponse,
  RunParams,
} from '@provena/contract'
import type { Services } from '../../services.js'
import type { App } from '../app-type.js'

const tags = ['metrics']

export function registerMetricsRoutes(app: App, { metrics }: Services): void {
  app.post(
    '/api/v1/runs/:runId/batch',
    {
      config: { access: 'signed-in' },
      schema: { tags, params: RunParams, body: LogBatchBody, response: { 200: LogBatchResponse } },
    },
    async (req) => metrics.logBatch(req.ctx, req.params.runId, req.body),
  )

  app.get(
    '/api/v1/runs/:runId/metrics/:key/history',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        params: MetricHistoryParams,
        querystring: MetricHistoryQuery,
        response: { 200: MetricHistoryResponse },
      },
    },
    async (req, reply) => {
      const history = await metrics.history(req.ctx, req.params.runId, req.params.key, req.query)
      // A page holds up to 100,000 points; checking and copying them through the response schema
      // took longer than reading them. The body is built here from typed data, so it is sent as is.
      reply.serializer(JSON.stringify)
      return {
        ...history,
        points: history.points.map((p) => ({
          value: encodeMetricValue(p.value),
          step: p.step,
          timestampMs: p.timestampMs,
        })),
      }
    },
  )
}
