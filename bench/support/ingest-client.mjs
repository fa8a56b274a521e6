// One ingest client process: creates its own run, then posts metric batches as fast as the
// server answers them until told to stop. Forked by bench/ingest.mjs.
import { postBatchesForDuration, VALUE_JSON, VALUE_PERIOD } from './batch-loop.mjs'
import { createJsonClient } from './http-client.mjs'

process.once('message', async ({ url, authorization, experimentId, clientIndex, batchSize, keyCount, durationMs }) => {
  const client = createJsonClient(url, { maxSockets: 1, authorization })
  const { run } = await client.post('/api/v1/runs', { experimentId, name: `ingest-${clientIndex}` })
  const keys = Array.from({ length: keyCount }, (_, k) => (keyCount === 1 ? 'loss' : `metric_${k}`))
  let step = 0
  const batchPath = `/api/v1/runs/${run.id}/batch`

  // Every key gets batchSize / keyCount points per batch, with increasing steps. The JSON is
  // written as text, from a table of value texts: formatting doubles and stringifying objects
  // would cost the clients about as much CPU as the server spends, on a machine they share.
  const keyJson = keys.map((key) => JSON.stringify(key))
  function nextBatch() {
    const timestampMs = Date.now()
    const parts = new Array(batchSize)
    for (let i = 0; i < batchSize; i++) {
      if (i % keyCount === 0) step++
      parts[i] =
        `{"key":${keyJson[i % keyCount]},"value":${VALUE_JSON[step % VALUE_PERIOD]},"timestampMs":${timestampMs},"step":${step}}`
    }
    return `{"metrics":[${parts.join(',')}]}`
  }

  await postBatchesForDuration({ client, runId: run.id, batchPath, nextBatch, batchSize, durationMs })
})
