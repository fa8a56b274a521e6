import {
  batchPointCount,
  encodeMetricValue,
  LogBatchBody,
  LogBatchResponse,
  MAX_BATCH_METRICS,
  MetricHistoryParams,
  MetricHistoryQuery,
  MetricHistoryResponse,
  RunParams,
} from '@provena/contract'
import type { FastifySchemaCompiler } from 'fastify'
import { validatorCompiler } from 'fastify-type-provider-zod'
import type { ZodType } from 'zod'
import type { Services } from '../../services.js'
import type { App } from '../app-type.js'
import { readPlainMetricPoints, readPlainSeries } from '../plain-metric-points.js'

const tags = ['metrics']

/**
 * The batch route's validation: a body whose metric points are all plainly well-formed is read
 * by readPlainMetricPoints (the rest of it by the schema, with its metrics left out); any other
 * body goes through the schema whole, whose error names what is wrong. Same answers, a fraction
 * of the time for the thousands of points a batch holds.
 */
function batchValidatorCompiler<S>(
  route: Parameters<FastifySchemaCompiler<S>>[0],
): ReturnType<FastifySchemaCompiler<S>> {
  const general = validatorCompiler(route as Parameters<FastifySchemaCompiler<ZodType>>[0])
  if (route.httpPart !== 'body') return general
  return (data: unknown) => {
    if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
      const { metrics = [], series = [] } = data as { metrics?: unknown; series?: unknown }
      if (Array.isArray(metrics) && Array.isArray(series) && metrics.length <= MAX_BATCH_METRICS) {
        const points = readPlainMetricPoints(metrics, 'timestampMs')
        const columns = points && readPlainSeries(series)
        const rest = columns && LogBatchBody.safeParse({ ...data, metrics: [], series: [] })
        if (points && columns && rest?.success) {
          const value = { ...rest.data, metrics: points, series: columns }
          if (batchPointCount(value) <= MAX_BATCH_METRICS) return { value }
        }
      }
    }
    return general(data)
  }
}

export function registerMetricsRoutes(app: App, { metrics }: Services): void {
  app.post(
    '/api/v1/runs/:runId/batch',
    {
      config: { access: 'signed-in' },
      schema: { tags, params: RunParams, body: LogBatchBody, response: { 200: LogBatchResponse } },
      validatorCompiler: batchValidatorCompiler,
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
