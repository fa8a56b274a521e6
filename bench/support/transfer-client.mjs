// A plain HTTP client for the artifacts benchmark, in a process of its own, as curl would be: it
// PUTs a file or GETs a URL when asked over IPC and answers with the time taken. Kept apart from
// the benchmark's own process, whose heap holds the SDK: streaming gigabytes through a larger heap
// makes V8 collect it over and over, and the figures would be the client's, not the server's.
//
// One request at a time. Asked { op: 'put', url, file, sizeBytes, suffix? } it answers
// { ms, status, body }; the bytes sent are the file, then `suffix` (hex, optional: new content
// from the same file). Asked { op: 'get', url } it answers { ms, status, bytes, etag }; on
// failure { error }.
import { createReadStream } from 'node:fs'
import http from 'node:http'
import { pipeline } from 'node:stream/promises'

const MIB = 1024 * 1024

function put(url, file, sizeBytes, suffix) {
  const tail = Buffer.from(suffix ?? '', 'hex')
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'content-length': sizeBytes + tail.length },
    })
    req.on('response', (res) => {
      const chunks = []
      res.on('data', (chunk) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    const body = async function* () {
      yield* createReadStream(file, { highWaterMark: MIB })
      if (tail.length > 0) yield tail
    }
    pipeline(body, req).catch(reject)
  })
}

function get(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let bytes = 0
        res.on('data', (chunk) => (bytes += chunk.length))
        res.on('end', () => resolve({ status: res.statusCode, bytes, etag: res.headers.etag }))
        res.on('error', reject)
      })
      .on('error', reject)
  })
}

process.on('message', async ({ op, url, file, sizeBytes, suffix }) => {
  try {
    const startedMs = performance.now()
    const answer = op === 'put' ? await put(url, file, sizeBytes, suffix) : await get(url)
    process.send({ ms: performance.now() - startedMs, ...answer })
  } catch (error) {
    process.send({ error: String(error?.stack ?? error) })
  }
})
process.on('disconnect', () => process.exit(0))
process.send({ ready: true })
