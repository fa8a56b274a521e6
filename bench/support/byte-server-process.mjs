// A bare HTTP server for the artifacts benchmark's ceiling: it discards PUT bodies and answers GET
// with `size` bytes, hashing nothing and storing nothing, so the figures show what loopback HTTP
// between two Node processes allows on this machine right now. Answers { url } over IPC.
import http from 'node:http'

const CHUNK = Buffer.alloc(1024 * 1024, 7)

const server = http.createServer((req, res) => {
  if (req.method === 'PUT') {
    req.on('data', () => {})
    req.on('end', () => res.end('{}'))
    return
  }
  const size = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('size'))
  res.writeHead(200, { 'content-length': size })
  let sent = 0
  const more = () => {
    while (sent < size) {
      const piece = sent + CHUNK.length <= size ? CHUNK : CHUNK.subarray(0, size - sent)
      sent += piece.length
      if (!res.write(piece)) return void res.once('drain', more)
    }
    res.end()
  }
  more()
})

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address()
  process.send?.({ url: `http://127.0.0.1:${port}` })
})
process.on('disconnect', () => server.close(() => process.exit(0)))
