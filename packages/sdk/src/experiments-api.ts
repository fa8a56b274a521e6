import {
  type Experiment,
  ExperimentResponse,
  ListExperimentsResponse,
  type UpdateExperimentBody,
  type ViewType,
} from '@provena/contract'
import { type HttpClient, NO_CONTENT } from './http-client.js'

/** What `experiments.create` takes. */
export interface CreateExperimentInput {
  name: string
  description?: string
  tags?: Record<string, string>
}

/** What `experiments.list` takes; every field is optional. */
export interface ListExperimentsOptions {
  view?: ViewType
  nameLike?: string
  maxResults?: number
  pageToken?: string
}

/** Experiments: create, read, list, change, delete and restore. */
export interface ExperimentsApi {
  create(input: CreateExperimentInput): Promise<Experiment>
  get(id: string): Promise<Experiment>
  getByName(name: string): Promise<Experiment>
  list(options?: ListExperimentsOptions): Promise<{ experiments: Experiment[]; nextPageToken: string | null }>
  update(id: string, patch: UpdateExperimentBody): Promise<Experiment>
  delete(id: string): Promise<void>
  restore(id: string): Promise<Experiment>
}

const BASE = '/api/v1/experiments'

/** Binds the experiment calls of the REST API to one HTTP client. */
export function createExperimentsApi(http: HttpClient): ExperimentsApi {
  const path = (id: string) => `${BASE}/${encodeURIComponent(id)}`
  const one = async (request: Promise<ExperimentResponse>) => (await request).experiment
  return {
    // Not idempotent: after a lost answer a second attempt would fail with ALREADY_EXISTS.
    create: (input) =>
      one(http.request({ method: 'POST', path: BASE, body: input, response: ExperimentResponse, isIdempotent: false })),
    get: (id) => one(http.request({ method: 'GET', path: path(id), response: ExperimentResponse, isIdempotent: true })),
    getByName: (name) =>
      one(
        http.request({
          method: 'GET',
          path: `${BASE}/by-name/${encodeURIComponent(name)}`,
          response: ExperimentResponse,
          isIdempotent: true,
        }),
      ),
    list: (options = {}) =>
      http.request({
        method: 'GET',
        path: BASE,
        query: { ...options },
        response: ListExperimentsResponse,
        isIdempotent: true,
      }),
    update: (id, patch) =>
      one(
        http.request({
          method: 'PATCH',
          path: path(id),
          body: patch,
          response: ExperimentResponse,
          isIdempotent: true,
        }),
      ),
    // Delete and restore answer CONFLICT when repeated, so a retry could report a failure that did not happen.
    delete: (id) => http.request({ method: 'DELETE', path: path(id), response: NO_CONTENT, isIdempotent: false }),
    restore: (id) =>
      one(
        http.request({
          method: 'POST',
          path: `${path(id)}/restore`,
          response: ExperimentResponse,
          isIdempotent: false,
        }),
      ),
  }
}
