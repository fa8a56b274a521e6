import type { FastifyInstance } from 'fastify'

/** A request header no HTML form or simple cross-site fetch can set; scripts and the SDK may. */
const CLIENT_HEADER = 'x-provena-client'

function isJson(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json'
}

/**
 * A cross-site page can make a browser send a "simple" POST (form fields or text/plain, no custom
 * headers) with the user's cookies; PUT, PATCH and DELETE always need a CORS preflight. So every
 * POST must be JSON or carry the client header, which only same-origin code can send.
 */
export function registerBrowserSafety(app: FastifyInstance, { allowedHosts }: { allowedHosts: string[] | null }): void {
  app.removeContentTypeParser('text/plain')
  const allowed = allowedHosts && new Set(allowedHosts.map((h) => h.toLowerCase()))
  app.addHook('onRequest', async (request, reply) => {
    // DNS rebinding: a hostile page whose name resolves to 127.0.0.1 reaches us with its own name.
    if (allowed && !allowed.has(request.hostname.toLowerCase().replace(/^\[|\]$/g, ''))) {
      return reply.code(403).send({
        error: {
          code: 'PERMISSION_DENIED',
          message: `host '${request.hostname}' is not allowed (see --allowed-hosts)`,
        },
      })
    }
    if (request.method !== 'POST') return
    if (isJson(request.headers['content-type']) || request.headers[CLIENT_HEADER] !== undefined) return
    return reply.code(415).send({
      error: {
        code: 'INVALID_INPUT',
        message: `POST requests must send Content-Type: application/json (or the ${CLIENT_HEADER} header)`,
      },
    })
  })
}
