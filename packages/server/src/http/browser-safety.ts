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
export function registerBrowserSafety(app: FastifyInstance): void {
  app.removeContentTypeParser('text/plain')
  app.addHook('onRequest', async (request, reply) => {
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
