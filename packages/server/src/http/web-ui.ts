import { lstatSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { App } from './app-type.js'

/** One file of the built UI, held in memory with its gzip twin (the whole build is well under a megabyte). */
interface WebFile {
  body: Buffer
  gzipped: Buffer | undefined
  contentType: string
  /** Vite puts content hashes in the names of everything under assets/, so those never change. */
  isImmutable: boolean
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt'])

// The UI loads its own scripts and styles only, talks to its own origin only, and may not be framed
// (clickjacking). Inline style attributes are allowed: the table and chart libraries position with them.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ')

/**
 * Every regular file under `dir`, by its URL path. Requests are answered from this map only, so
 * no part of a request URL ever becomes a filesystem path (nothing to traverse out of).
 */
function readBuild(dir: string): Map<string, WebFile> | null {
  const files = new Map<string, WebFile>()
  const walk = (folder: string, urlPrefix: string) => {
    for (const name of readdirSync(folder)) {
      const file = path.join(folder, name)
      const stat = lstatSync(file)
      if (stat.isDirectory()) walk(file, `${urlPrefix}${name}/`)
      else if (stat.isFile()) {
        const extension = path.extname(name).toLowerCase()
        const body = readFileSync(file)
        files.set(`${urlPrefix}${name}`, {
          body,
          gzipped: COMPRESSIBLE.has(extension) && body.length > 1024 ? gzipSync(body) : undefined,
          contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream',
          isImmutable: urlPrefix.startsWith('/assets/'),
        })
      }
    }
  }
  try {
    walk(dir, '/')
  } catch {
    return null
  }
  return files.has('/index.html') ? files : null
}

function send(request: FastifyRequest, reply: FastifyReply, file: WebFile) {
  const acceptsGzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))
  reply
    .header('content-type', file.contentType)
    .header('cache-control', file.isImmutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('vary', 'accept-encoding')
  if (file.contentType.startsWith('text/html')) {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY).header('x-frame-options', 'DENY')
  }
  if (acceptsGzip && file.gzipped) return reply.header('content-encoding', 'gzip').send(file.gzipped)
  return reply.send(file.body)
}

const NOT_BUILT_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Provena</title></head>
<body><h1>The Provena web UI is not built</h1><p>The API is running at <code>/api/v1</code>.
Build the UI with <code>npm run build</code> (or start with <code>npm start</code>, which builds it), then restart the server.</p></body></html>`

/**
 * Serves the built single-page UI at `/`: its files by exact path, and index.html for every
 * other path that is not the API (the UI's router reads the path), so a link to any page works.
 * Paths under /api answer the API's JSON 404. Without a build, every page says how to make one.
 */
export function registerWebUi(app: App, { webDir }: { webDir: string | null }): void {
  let files = webDir === null ? null : readBuild(webDir)
  let lastReadMs = Date.now()

  function fileFor(urlPath: string): WebFile | undefined {
    const found = files?.get(urlPath)
    // A rebuild while the server runs brings new hashed names: read the build again, at most every 2 s.
    if (!found && webDir !== null && urlPath.startsWith('/assets/') && Date.now() - lastReadMs > 2000) {
      files = readBuild(webDir)
      lastReadMs = Date.now()
      return files?.get(urlPath)
    }
    return found
  }

  async function handler(request: FastifyRequest, reply: FastifyReply) {
    const urlPath = request.url.split('?')[0] ?? '/'
    if (urlPath === '/api' || urlPath.startsWith('/api/')) {
      return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no route for GET ${request.url}` } })
    }
    const index = files?.get('/index.html')
    if (!index) return reply.code(503).header('content-type', 'text/html; charset=utf-8').send(NOT_BUILT_PAGE)
    const file = fileFor(urlPath)
    if (file) return send(request, reply, file)
    // A missing asset is a 404, not the page: a browser must not run HTML as a script.
    if (urlPath.startsWith('/assets/')) {
      return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no file ${urlPath}` } })
    }
    return send(request, reply, index)
  }

  // Public: the files are the same for everyone; the data comes from the API, which checks access.
  app.get('/', { config: { access: 'public' }, schema: { hide: true } }, handler)
  app.get('/*', { config: { access: 'public' }, schema: { hide: true } }, handler)
}
