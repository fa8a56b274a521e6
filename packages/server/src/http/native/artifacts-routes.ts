import { Readable } from 'node:stream'
import {
  ArtifactArchiveQuery,
  ArtifactResponse,
  ArtifactWriteQuery,
  DeleteArtifactsResponse,
  GcBody,
  GcResponse,
  InvalidInputError,
  ListArtifactsQuery,
  ListArtifactsResponse,
  RunId,
  RunParams,
  SHA256_HEADER,
  Sha256,
  VerifyArtifactsBody,
} from '@provena/contract'
import { z } from 'zod'
import type { Services } from '../../services.js'
import type { App } from '../app-type.js'
import { contentDisposition, contentTypeOf, parseRange } from '../download-headers.js'

const tags = ['artifacts']
const ArtifactParams = z.object({ runId: RunId, '*': z.string() })

function expectedSha256(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined
  const parsed = Sha256.safeParse(header)
  if (!parsed.success) throw new InvalidInputError(`header ${SHA256_HEADER} must be 64 lowercase hex characters`)
  return parsed.data
}

export function rawBodyOf(body: unknown): Readable {
  // An empty body never reaches a content-type parser.
  if (body === undefined || body === null) return Readable.from([])
  if (body instanceof Readable) return body
  throw new InvalidInputError('send the file as the raw request body with Content-Type: application/octet-stream')
}

/** Security headers for bytes a user uploaded: never rendered as a page of this origin. */
const UNTRUSTED_CONTENT = {
  'content-security-policy': "sandbox; default-src 'none'",
  'x-content-type-options': 'nosniff',
}

export function registerArtifactsRoutes(app: App, { artifacts, artifactsMaintenance }: Services): void {
  app.put(
    '/api/v1/runs/:runId/artifacts/*',
    {
      config: { access: 'signed-in' },
      schema: { tags, params: ArtifactParams, querystring: ArtifactWriteQuery, response: { 201: ArtifactResponse } },
    },
    async (req, reply) => {
      const artifact = await artifacts.upload(req.ctx, req.params.runId, req.params['*'], rawBodyOf(req.body), {
        expectedSha256: expectedSha256(req.headers[SHA256_HEADER]),
        force: req.query.force,
      })
      return reply.code(201).send({ artifact })
    },
  )

  app.get(
    '/api/v1/runs/:runId/artifacts',
    {
      config: { access: 'signed-in' },
      schema: { tags, params: RunParams, querystring: ListArtifactsQuery, response: { 200: ListArtifactsResponse } },
    },
    async (req) => artifacts.list(req.ctx, req.params.runId, req.query),
  )

  app.get(
    '/api/v1/runs/:runId/artifacts/*',
    { config: { access: 'signed-in' }, schema: { tags, params: ArtifactParams } },
    async (req, reply) => {
      const artifact = await artifacts.describe(req.ctx, req.params.runId, req.params['*'])
      const etag = `"${artifact.sha256}"`
      reply.headers({ etag, 'accept-ranges': 'bytes', 'cache-control': 'private, no-cache', ...UNTRUSTED_CONTENT })
      if (req.headers['if-none-match'] === etag) return reply.code(304).send()
      const range = parseRange(req.headers.range, artifact.sizeBytes)
      if (range === 'unsatisfiable') {
        return reply
          .code(416)
          .header('content-range', `bytes */${artifact.sizeBytes}`)
          .send({ error: { code: 'INVALID_INPUT', message: `range ${req.headers.range} is outside the file` } })
      }
      const body = await artifacts.read(req.ctx, req.params.runId, artifact, range)
      reply
        .type(contentTypeOf(artifact.path))
        .header('content-disposition', contentDisposition(artifact.path))
        .header('content-length', range ? range.end - range.start + 1 : artifact.sizeBytes)
      if (range) reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${artifact.sizeBytes}`)
      return reply.send(body)
    },
  )

  app.get(
    '/api/v1/runs/:runId/artifacts.tar',
    { config: { access: 'signed-in' }, schema: { tags, params: RunParams, querystring: ArtifactArchiveQuery } },
    async (req, reply) => {
      const archive = await artifacts.archive(req.ctx, req.params.runId, req.query.path)
      const name = `${req.params.runId}${req.query.path ? `-${req.query.path.replaceAll('/', '-')}` : ''}.tar`
      return reply
        .type('application/x-tar')
        .headers({ 'content-disposition': contentDisposition(name), ...UNTRUSTED_CONTENT })
        .send(archive)
    },
  )

  app.delete(
    '/api/v1/runs/:runId/artifacts/*',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        params: ArtifactParams,
        querystring: ArtifactWriteQuery,
        response: { 200: DeleteArtifactsResponse },
      },
    },
    async (req) => ({
      deleted: await artifacts.delete(req.ctx, req.params.runId, req.params['*'], { force: req.query.force }),
    }),
  )

  app.post(
    '/api/v1/artifacts/verify',
    { config: { access: 'admin' }, schema: { tags, body: VerifyArtifactsBody } },
    async (req, reply) => {
      const lines = artifactsMaintenance.verify(req.ctx, req.body.runId, { progressEvery: req.body.progressEvery })
      // The first line is awaited here, so a refusal (a run that does not exist) is an ordinary error answer.
      const first = await lines.next()
      // JSON Lines, streamed: re-hashing a large store takes long, and each problem is reported as found.
      const body = Readable.from(
        (async function* () {
          if (!first.done) yield `${JSON.stringify(first.value)}\n`
          for await (const line of lines) yield `${JSON.stringify(line)}\n`
        })(),
      )
      return reply.type('application/x-ndjson').send(body)
    },
  )

  app.post(
    '/api/v1/artifacts/gc',
    { config: { access: 'admin' }, schema: { tags, body: GcBody, response: { 200: GcResponse } } },
    async (req) => artifactsMaintenance.gc(req.ctx, req.body),
  )
}

/**
 * Uploads are the raw request body, handed to the route as a stream and never buffered: Fastify's
 * bodyLimit applies only to bodies it buffers, so JSON bodies keep their limit and uploads have none.
 */
export function registerRawBodyParser(app: App): void {
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload))
}
