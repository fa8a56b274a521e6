import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A request as the proxy received it. */
export interface ProxiedRequest {
  method: string
  path: string
  body: string
}

/**
 * What the proxy does with a request: relay it, have the server apply it but destroy the
 * client's socket before the answer (`drop-answer`), or answer 503 without forwarding it.
 */
export type Fault = 'none' | 'drop-answer' | 'unavailable'

/** A running proxy: its URL, every request it received, and a way to stop it. */
interface FaultyProxy {
  url: string
  requests: ProxiedRequest[]
  close(): Promise<void>
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function forwardedHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const name of ['content-type', 'authorization', 'accept', 'x-provena-client']) {
    const value = req.headers[name]
    if (typeof value === 'string') headers[name] = value
  }
  return headers
}

/**
 * A tiny real HTTP proxy in front of `targetUrl` that injects the fault `faultFor` picks for each
 * request. With `drop-answer` the server has stored the request but the client sees a network error.
 */
export async function startFaultyProxy(
  targetUrl: string,
  faultFor: (request: ProxiedRequest) => Fault,
): Promise<FaultyProxy> {
  const requests: ProxiedRequest[] = []
  const server = createServer(async (req, res) => {
    const request = { method: req.method ?? 'GET', path: req.url ?? '/', body: await readBody(req) }
    requests.push(request)
    const fault = faultFor(request)
    if (fault === 'unavailable') {
      res.writeHead(503, { 'content-type': 'text/plain' })
      res.end('backend unavailable')
      return
    }
    const answer = await fetch(`${targetUrl}${request.path}`, {
      method: request.method,
      headers: forwardedHeaders(req),
      body: request.body === '' ? undefined : request.body,
    })
    const text = await answer.text()
    if (fault === 'drop-answer') {
      req.socket.destroy()
      return
    }
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' })
    res.end(text)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}
