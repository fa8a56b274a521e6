// A plain HTTP client for the artifacts benchmark, in a process of its own, as curl would be: it
// PUTs a file or GETs a URL when asked over IPC and answers with the time taken. Kept apart from
// the benchmark's own process, whose heap holds the SDK: streaming gigabytes through a larger heap
// makes V8 collect it over and over, and the figures would be the client's, not the server's.
//
// Asked { id, op: 'put', url, file, sizeBytes, prefix? } it answers { id, ms, status, body }; the
// bytes sent are `prefix` (hex, optional: new content from the same file) and then the file;
// asked { id, op: 'get', url } it answers { id, ms, status, bytes, etag }; on failure { id, error }.
import { createReadStream } from 'node:fs'
import http from 'node:http'
import { pipeline } from 'node:stream/promises'

const MIB = 1024 * 1024

function put(url, file, sizeBytes, prefix) {
  const head = Buffer.from(prefix ?? '', 'hex')
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'content-length': head.length + sizeBytes },
    })
    req.on('response', (res) => {
      const chunks = []
      res.on('data', (chunk) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    if (head.length > 0) req.write(head)
    pipeline(createReadStream(file, { highWaterMark: MIB }), req).catch(reject)
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

process.on('message', async ({ id, op, url, file, sizeBytes, prefix }) => {
  try {
    const startedMs = performance.now()
    const answer = op === 'put' ? await put(url, file, sizeBytes, prefix) : await get(url)
    process.send({ id, ms: performance.now() - startedMs, ...answer })
  } catch (error) {
    process.send({ id, error: String(error?.stack ?? error) })
  }
})
process.on('disconnect', () => process.exit(0))
process.send({ ready: true })
