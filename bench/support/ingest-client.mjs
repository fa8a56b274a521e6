// One ingest client process: creates its own run, then posts metric batches as fast as the
// server answers them until told to stop. Forked by bench/ingest.mjs.
import { createJsonClient } from './http-client.mjs'

const WARM_UP_BATCHES = 5
const VALUE_PERIOD = 9973

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
  const valueJson = Array.from({ length: VALUE_PERIOD }, (_, k) => String(Math.sin(k / 500) + (k % 97) / 1000))
  function nextBatch() {
    const timestampMs = Date.now()
    const parts = new Array(batchSize)
    for (let i = 0; i < batchSize; i++) {
      if (i % keyCount === 0) step++
      parts[i] =
        `{"key":${keyJson[i % keyCount]},"value":${valueJson[step % VALUE_PERIOD]},"timestampMs":${timestampMs},"step":${step}}`
    }
    return `{"metrics":[${parts.join(',')}]}`
  }

  for (let i = 0; i < WARM_UP_BATCHES; i++) await client.post(batchPath, nextBatch())
  const warmUpPoints = WARM_UP_BATCHES * batchSize
  process.send({ ready: true })
  await new Promise((resolve) => process.once('message', resolve))

  const latenciesMs = []
  const cpuBefore = process.cpuUsage()
  const startedAt = performance.now()
  const deadline = startedAt + durationMs
  let points = 0
  while (performance.now() < deadline) {
    const body = nextBatch()
    const sentAt = performance.now()
    await client.post(batchPath, body)
    latenciesMs.push(performance.now() - sentAt)
    points += batchSize
  }
  const elapsedMs = performance.now() - startedAt
  const cpu = process.cpuUsage(cpuBefore)
  client.close()
  process.send({
    runId: run.id,
    points,
    warmUpPoints,
    elapsedMs,
    latenciesMs,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  })
  process.disconnect()
})
