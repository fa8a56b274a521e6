import { ConflictError, InvalidInputError, type ListArtifactsResponse, MAX_ARTIFACT_PAGE } from '@provena/contract'
import type { FastifyReply } from 'fastify'
import { z } from 'zod'
import type { RequestContext } from '../../domain/auth/principal.js'
import type { Services } from '../../services.js'
import type { App } from '../app-type.js'
import { contentDisposition, contentTypeOf } from '../download-headers.js'
import { rawBodyOf } from '../native/artifacts-routes.js'
import { parseMlflowArtifactFile, parseMlflowArtifactPath } from './mlflow-artifact-paths.js'

const signedIn = { access: 'signed-in' } as const
const FILES = '/mlflow-artifacts/artifacts'
const WildcardParams = z.object({ '*': z.string() })

/** A listing is answered whole, as MLflow's is; past this many entries the client is told to list deeper. */
const MAX_LISTING = 100_000

/**
 * MLflow's own words when its artifact store cannot do multipart uploads: its clients compare the
 * message and fall back to one streamed PUT (mlflow/exceptions.py, _UnsupportedMultipartUploadException).
 */
const MULTIPART_UNSUPPORTED = 'Multipart upload is not supported for the current artifact repository'

/** Bytes a user uploaded are never rendered as a page of this origin. */
const UNTRUSTED_CONTENT = {
  'content-security-policy': "sandbox; default-src 'none'",
  'x-content-type-options': 'nosniff',
}

/**
 * MLflow's artifact proxy (`mlflow-artifacts:/…` URIs) over Provena's run artifacts: paths are
 * `<experiment id>/<run id>/artifacts/<path>`, and each request is the native upload, download,
 * listing or deletion of that run's file, with the same permissions, immutability and audit.
 */
export function registerMlflowArtifactRoutes(app: App, services: Services): void {
  const { artifacts, runLocations } = services

  /** The run's id, once the path's experiment is known to be the run's and the caller may read it. */
  async function runAt(ctx: RequestContext, location: { experimentId: string; runId: string }) {
    return (await runLocations.find(ctx, location.experimentId, location.runId)).id
  }

  // MLflow's client PUTs raw bytes with the file's guessed media type (text/plain, application/json,
  // image/png, …), so in this scope every body reaches the handler as an unparsed stream. Browsers
  // cannot send a cross-site PUT without a CORS preflight, which this server never grants.
  app.register(async (plugin) => {
    const scope = plugin as unknown as App
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload))
    scope.put(`${FILES}/*`, { config: signedIn, schema: { hide: true, params: WildcardParams } }, async (req) => {
      const location = parseMlflowArtifactFile(req.params['*'])
      const runId = await runAt(req.ctx, location)
      await artifacts.upload(req.ctx, runId, location.path, rawBodyOf(req.body))
      return {}
    })
  })

  app.get(`${FILES}/*`, { config: signedIn, schema: { hide: true, params: WildcardParams } }, async (req, reply) => {
    const location = parseMlflowArtifactFile(req.params['*'])
    const runId = await runAt(req.ctx, location)
    const artifact = await artifacts.describe(req.ctx, runId, location.path)
    const body = await artifacts.read(req.ctx, runId, artifact)
    return reply
      .headers({ ...UNTRUSTED_CONTENT, 'cache-control': 'private, no-cache', etag: `"${artifact.sha256}"` })
      .type(contentTypeOf(artifact.path))
      .header('content-disposition', contentDisposition(artifact.path))
      .header('content-length', artifact.sizeBytes)
      .send(body)
  })

  app.delete(`${FILES}/*`, { config: signedIn, schema: { hide: true, params: WildcardParams } }, async (req) => {
    const location = parseMlflowArtifactFile(req.params['*'])
    const runId = await runAt(req.ctx, location)
    await artifacts.delete(req.ctx, runId, location.path)
    return {}
  })

  app.get(
    FILES,
    { config: signedIn, schema: { hide: true, querystring: z.object({ path: z.string().max(5000).optional() }) } },
    async (req) => {
      const location = parseMlflowArtifactPath(req.query.path ?? '')
      if (location.runId === undefined) {
        throw new InvalidInputError(`list a run's artifacts: <experiment id>/<run id>/artifacts[/<path>]`)
      }
      const runId = await runAt(req.ctx, { experimentId: location.experimentId, runId: location.runId })
      if (location.path === undefined) return { files: [{ path: 'artifacts', is_dir: true }] }
      const files = await listWhole(req.ctx, runId, location.path)
      return files.length === 0 ? {} : { files }
    },
  )

  /** Every entry of a directory, as MLflow's `FileInfo` (a file has no entries, as in MLflow). */
  async function listWhole(ctx: RequestContext, runId: string, dir: string) {
    const files: { path: string; is_dir: boolean; file_size?: number }[] = []
    let pageToken: string | undefined
    do {
      let page: ListArtifactsResponse
      try {
        page = await artifacts.list(ctx, runId, { path: dir, maxResults: MAX_ARTIFACT_PAGE, pageToken })
      } catch (error) {
        // MLflow's clients list a path to learn whether it is a directory: a file lists as empty.
        if (error instanceof ConflictError) return []
        throw error
      }
      for (const entry of page.entries) {
        files.push(
          entry.isDir
            ? { path: entry.name, is_dir: true }
            : { path: entry.name, is_dir: false, file_size: entry.sizeBytes ?? 0 },
        )
      }
      if (files.length > MAX_LISTING) {
        throw new InvalidInputError(`'${dir}' holds more than ${MAX_LISTING} entries: list its subdirectories`)
      }
      pageToken = page.nextPageToken ?? undefined
    } while (pageToken !== undefined)
    return files
  }

  // Provena's blob store hashes every upload as it streams and addresses it by its digest, so an
  // upload is one streamed PUT of any size; these endpoints answer as MLflow's server does for a
  // store without multipart support, and MLflow's clients then send the file in one PUT.
  const notImplemented = async (req: { params: { '*': string } }, reply: FastifyReply) => {
    parseMlflowArtifactFile(req.params['*'])
    return reply.code(501).send({ error_code: 'NOT_IMPLEMENTED', message: MULTIPART_UNSUPPORTED })
  }
  for (const step of ['create', 'complete', 'abort']) {
    app.post(
      `/mlflow-artifacts/mpu/${step}/*`,
      { config: signedIn, schema: { hide: true, params: WildcardParams } },
      notImplemented,
    )
  }
}
