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
    { schema: { tags, params: RunParams, body: LogBatchBody, response: { 200: LogBatchResponse } } },
    async (req) => metrics.logBatch(req.principal, req.params.runId, req.body),
  )

  app.get(
    '/api/v1/runs/:runId/metrics/:key/history',
    {
      schema: {
        tags,
        params: MetricHistoryParams,
        querystring: MetricHistoryQuery,
        response: { 200: MetricHistoryResponse },
      },
    },
    async (req) => {
      const history = await metrics.history(req.principal, req.params.runId, req.params.key, req.query)
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
