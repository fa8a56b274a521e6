import {
  type ImportExperimentBody,
  ImportExperimentResponse,
  type ImportModelBody,
  ImportModelResponse,
  type ImportRunBody,
  ImportRunResponse,
  MissingBlobsResponse,
} from '@provena/contract'
import type { HttpClient } from './http-client.js'

/**
 * Import from another tracker, keeping its ids and times (admin only; see docs/import-mlflow.md).
 * Every call may be repeated: what is there already with the same content is answered as such.
 */
export interface ImportApi {
  /** Stores bytes an imported run names by sha256 (an artifact, or its metric history); `body` is made anew for each attempt. */
  uploadBlob(sha256: string, body: () => NonNullable<RequestInit['body']>): Promise<void>
  /** Which of these digests the server holds no bytes for yet: only those need `uploadBlob`. */
  missingBlobs(sha256: string[]): Promise<string[]>
  /** Finds the experiment of that name, or makes it with the given times and tags. */
  experiment(input: ImportExperimentBody): Promise<ImportExperimentResponse>
  /** One run with everything it recorded, in one transaction; refused if its id exists with other content. */
  run(input: ImportRunBody): Promise<ImportRunResponse>
  /** A registered model with its versions (numbers kept) and aliases. */
  model(input: ImportModelBody): Promise<ImportModelResponse>
}

export function createImportApi(http: HttpClient): ImportApi {
  return {
    async uploadBlob(sha256, body) {
      await http.raw({
        method: 'PUT',
        path: `/api/v1/import/blobs/${sha256}`,
        headers: { 'content-type': 'application/octet-stream' },
        body,
        isIdempotent: true,
      })
    },
    async missingBlobs(sha256) {
      const { missing } = await http.request({
        method: 'POST',
        path: '/api/v1/import/blobs/missing',
        body: { sha256 },
        response: MissingBlobsResponse,
        isIdempotent: true,
      })
      return missing
    },
    // Each call is idempotent on the server (an import of what is there already changes nothing), so retried.
    experiment: (body) =>
      http.request({
        method: 'POST',
        path: '/api/v1/import/experiments',
        body,
        response: ImportExperimentResponse,
        isIdempotent: true,
      }),
    run: (body) =>
      http.request({
        method: 'POST',
        path: '/api/v1/import/runs',
        body,
        response: ImportRunResponse,
        isIdempotent: true,
      }),
    model: (body) =>
      http.request({
        method: 'POST',
        path: '/api/v1/import/models',
        body,
        response: ImportModelResponse,
        isIdempotent: true,
      }),
  }
}
