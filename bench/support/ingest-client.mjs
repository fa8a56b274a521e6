// One ingest client process: creates its own run, then posts metric batches as fast as the
// server answers them until told to stop. Forked by bench/ingest.mjs (and bench/mlflow-ingest.mjs).
import { postBatchesForDuration, VALUE_JSON, VALUE_PERIOD } from './batch-loop.mjs'
import { createJsonClient } from './http-client.mjs'

process.once(
  'message',
  async ({ url, authorization, experimentId, clientIndex, batchSize, keyCount, durationMs, format = 'series' }) => {
    const client = createJsonClient(url, { maxSockets: 1, authorization })
    const { run } = await client.post('/api/v1/runs', { experimentId, name: `ingest-${clientIndex}` })
    const keys = Array.from({ length: keyCount }, (_, k) => (keyCount === 1 ? 'loss' : `metric_${k}`))
    let step = 0
    const batchPath = `/api/v1/runs/${run.id}/batch`

    // Every key gets batchSize / keyCount points per batch, with increasing steps. The JSON is
    // written as text, from a table of value texts: formatting doubles and stringifying objects
    // would cost the clients about as much CPU as the server spends, on a machine they share.
    const keyJson = keys.map((key) => JSON.stringify(key))

    /** Points one by one: `metrics: [{ key, value, timestampMs, step }, ...]`. */
    function nextPointsBatch() {
      const timestampMs = Date.now()
      const parts = new Array(batchSize)
      for (let i = 0; i < batchSize; i++) {
        if (i % keyCount === 0) step++
        parts[i] =
          `{"key":${keyJson[i % keyCount]},"value":${VALUE_JSON[step % VALUE_PERIOD]},"timestampMs":${timestampMs},"step":${step}}`
      }
      return `{"metrics":[${parts.join(',')}]}`
    }

    /** The same points in columns, a series per key, as the SDK sends them: `series: [{ key, values, steps, timestampsMs }]`. */
    function nextSeriesBatch() {
      const timestampMs = Date.now()
      const perKey = keys.map(() => ({ values: [], steps: [], timestamps: [] }))
      for (let i = 0; i < batchSize; i++) {
        if (i % keyCount === 0) step++
        const columns = perKey[i % keyCount]
        columns.values.push(VALUE_JSON[step % VALUE_PERIOD])
        columns.steps.push(step)
        columns.timestamps.push(timestampMs)
      }
      const series = perKey.map(
        (c, k) =>
          `{"key":${keyJson[k]},"values":[${c.values.join(',')}],"steps":[${c.steps.join(',')}],"timestampsMs":[${c.timestamps.join(',')}]}`,
      )
      return `{"series":[${series.join(',')}]}`
    }

    const nextBatch = format === 'points' ? nextPointsBatch : nextSeriesBatch
    await postBatchesForDuration({ client, runId: run.id, batchPath, nextBatch, batchSize, durationMs })
  },
)
