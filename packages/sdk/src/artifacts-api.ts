import {
  type Artifact,
  type ArtifactEntry,
  ArtifactResponse,
  type ArtifactVerifyLine,
  type GcBody,
  GcResponse,
  InternalError,
  ListArtifactsResponse,
  SHA256_HEADER,
  toArtifactDirectory,
  toArtifactKey,
} from '@provena/contract'
import type { HttpClient } from './http-client.js'
import { parseJsonLines } from './json-lines.js'
import { memberSchema } from './member-schema.js'
import { runPath } from './runs-api.js'

/** What `artifacts.upload` takes besides the bytes. */
export interface UploadArtifactOptions {
  /** The sha256 of the bytes; the server refuses them (and keeps nothing) if they differ. */
  sha256?: string
  /** Admins only: change an artifact of a finished run (audited as an override). */
  force?: boolean
}

/** A file's bytes as the server sends them, with what its manifest says. */
export interface ArtifactDownload {
  body: ReadableStream<Uint8Array>
  sha256: string
  sizeBytes: number
}

/** The artifacts of runs: files under relative paths, stored by the server by their sha256. */
export interface ArtifactsApi {
  /** One page of a directory ('' or absent for the run's root). */
  list(
    runId: string,
    path?: string,
    page?: { maxResults?: number; pageToken?: string },
  ): Promise<{ entries: ArtifactEntry[]; nextPageToken: string | null }>
  /** Every entry of one directory, following page tokens. */
  listAll(runId: string, path?: string): Promise<ArtifactEntry[]>
  /** Every file below a directory (the whole run by default), depth first. */
  walk(runId: string, path?: string): AsyncGenerator<ArtifactEntry>
  /**
   * Stores bytes as the run's file at `path`; `body` is made anew for each attempt (a stream
   * cannot be sent twice). Files and directories on disk: `run.logArtifact`.
   */
  upload(
    runId: string,
    path: string,
    body: () => NonNullable<RequestInit['body']>,
    options?: UploadArtifactOptions,
  ): Promise<Artifact>
  /** The bytes of a file, unverified; `downloadArtifacts` writes files to disk and checks their digest. */
  download(runId: string, path: string): Promise<ArtifactDownload>
  /** Removes a file, or every file below a directory; returns how many files went. */
  delete(runId: string, path: string, options?: { force?: boolean }): Promise<number>
  /** Admins: re-hashes stored blobs (of one run, or all) and yields each problem, then a summary. */
  verify(runId?: string, options?: { progressEvery?: number }): AsyncGenerator<ArtifactVerifyLine>
  /** Admins: removes blobs no run or pin refers to; `dryRun` only reports. */
  gc(options?: GcBody): Promise<GcResponse>
}

/** The REST path of a run's artifact, each segment encoded. */
function artifactPath(runId: string, path: string): string {
  return runPath(runId, `/artifacts/${toArtifactKey(path).split('/').map(encodeURIComponent).join('/')}`)
}

const DeletedCount = memberSchema<number>('deleted', {
  safeParse: (input) =>
    Number.isSafeInteger(input)
      ? { success: true, data: input as number }
      : { success: false, error: { message: 'expected a count' } },
})

async function* verifyLines(
  http: HttpClient,
  runId: string | undefined,
  progressEvery: number | undefined,
): AsyncGenerator<ArtifactVerifyLine> {
  const response = await http.raw({
    method: 'POST',
    path: '/api/v1/artifacts/verify',
    headers: { 'content-type': 'application/json' },
    body: () => JSON.stringify({ runId, progressEvery }),
    isIdempotent: true,
  })
  if (!response.body) return
  yield* parseJsonLines(response.body) as AsyncGenerator<ArtifactVerifyLine>
}

/** Binds the artifact calls of the REST API to one HTTP client. */
export function createArtifactsApi(http: HttpClient): ArtifactsApi {
  const api: ArtifactsApi = {
    list: (runId, path, page = {}) =>
      http.request({
        method: 'GET',
        path: runPath(runId, '/artifacts'),
        query: { path: toArtifactDirectory(path) || undefined, ...page },
        response: ListArtifactsResponse,
        isIdempotent: true,
      }),

    async listAll(runId, path) {
      const entries: ArtifactEntry[] = []
      let pageToken: string | undefined
      do {
        const page = await api.list(runId, path, pageToken === undefined ? {} : { pageToken })
        entries.push(...page.entries)
        pageToken = page.nextPageToken ?? undefined
      } while (pageToken !== undefined)
      return entries
    },

    async *walk(runId, path) {
      for (const entry of await api.listAll(runId, path)) {
        if (entry.isDir) yield* api.walk(runId, entry.path)
        else yield entry
      }
    },

    async upload(runId, path, body, { sha256, force } = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/octet-stream' }
      if (sha256 !== undefined) headers[SHA256_HEADER] = sha256
      const response = await http.raw({
        method: 'PUT',
        path: artifactPath(runId, path),
        query: { force: force ? 'true' : undefined },
        headers,
        body,
        isIdempotent: true,
      })
      const parsed = ArtifactResponse.safeParse(await response.json())
      if (!parsed.success) throw new InternalError(`unexpected answer to an artifact upload: ${parsed.error.message}`)
      return parsed.data.artifact
    },

    async download(runId, path) {
      const response = await http.raw({ method: 'GET', path: artifactPath(runId, path), isIdempotent: true })
      const sha256 = (response.headers.get('etag') ?? '').replaceAll('"', '')
      const sizeBytes = Number(response.headers.get('content-length') ?? Number.NaN)
      return { body: response.body ?? new ReadableStream({ start: (c) => c.close() }), sha256, sizeBytes }
    },

    delete: (runId, path, { force } = {}) =>
      http.request({
        method: 'DELETE',
        path: artifactPath(runId, path),
        query: { force: force ? 'true' : undefined },
        response: DeletedCount,
        // A repeated delete answers NOT_FOUND, which would report a failure that did not happen.
        isIdempotent: false,
      }),

    verify: (runId, options = {}) => verifyLines(http, runId, options.progressEvery),

    gc: (options = {}) =>
      http.request({
        method: 'POST',
        path: '/api/v1/artifacts/gc',
        body: options,
        response: GcResponse,
        isIdempotent: true,
      }),
  }
  return api
}
