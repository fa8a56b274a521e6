// The part ingest-client.mjs and mlflow-ingest-client.mjs share: a table of metric value texts,
// and the warm-up, ready handshake, timed posting loop and report of one client process.

const WARM_UP_BATCHES = 5
/** How many value texts the clients cycle through (a prime, so keys and values do not line up). */
export const VALUE_PERIOD = 9973
/** Value texts, written once: formatting doubles per point would cost the clients CPU the server needs. */
export const VALUE_JSON = Array.from({ length: VALUE_PERIOD }, (_, k) => String(Math.sin(k / 500) + (k % 97) / 1000))

/**
 * Posts a few warm-up batches, tells the parent it is ready and waits for its go, then posts
 * `nextBatch()` bodies to `batchPath` one after another until `durationMs` has passed, and sends
 * the parent the points, latencies and CPU time of the timed part.
 */
export async function postBatchesForDuration({ client, runId, batchPath, nextBatch, batchSize, durationMs }) {
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
    runId,
    points,
    warmUpPoints,
    elapsedMs,
    latenciesMs,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  })
  process.disconnect()
}
