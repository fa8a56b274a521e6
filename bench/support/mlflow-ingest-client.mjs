// One MLflow ingest client process: creates its own run through MLflow's REST API, then posts
// runs/log-batch requests (MLflow's cap: 1,000 metrics each) as fast as the server answers them
// until told to stop. Forked by bench/mlflow-ingest.mjs; the same protocol as ingest-client.mjs.
import { postBatchesForDuration, VALUE_JSON, VALUE_PERIOD } from './batch-loop.mjs'
import { createJsonClient } from './http-client.mjs'

process.once('message', async ({ url, authorization, experimentId, clientIndex, batchSize, keyCount, durationMs }) => {
  const client = createJsonClient(url, { maxSockets: 1, authorization })
  const { run } = await client.post('/api/2.0/mlflow/runs/create', {
    experiment_id: experimentId,
    run_name: `mlflow-ingest-${clientIndex}`,
  })
  const runId = run.info.run_id
  const keys = Array.from({ length: keyCount }, (_, k) => (keyCount === 1 ? 'loss' : `metric_${k}`))
  let step = 0

  // Written as text from a table of value texts, as ingest-client.mjs does (the clients share the
  // machine with the server). The body is what MLflow's python client sends: snake_case fields,
  // the run id in the body, a timestamp and step on every metric.
  const keyJson = keys.map((key) => JSON.stringify(key))
  const head = `{"run_id":"${runId}","metrics":[`
  function nextBatch() {
    const timestamp = Date.now()
    const parts = new Array(batchSize)
    for (let i = 0; i < batchSize; i++) {
      if (i % keyCount === 0) step++
      parts[i] =
        `{"key":${keyJson[i % keyCount]},"value":${VALUE_JSON[step % VALUE_PERIOD]},"timestamp":${timestamp},"step":${step}}`
    }
    return `${head}${parts.join(',')}],"params":[],"tags":[]}`
  }
  const batchPath = '/api/2.0/mlflow/runs/log-batch'

  await postBatchesForDuration({ client, runId, batchPath, nextBatch, batchSize, durationMs })
})
