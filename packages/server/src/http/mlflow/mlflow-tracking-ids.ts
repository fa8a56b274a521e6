import { InvalidInputError, NotFoundError } from '@provena/contract'

/**
 * MLflow answers any id it does not know, whatever its form, with RESOURCE_DOES_NOT_EXIST; ids
 * that cannot be Provena's are turned away here, before a query (an experiment id is a number in
 * the database, and PostgreSQL would refuse to compare `abc` with it).
 */
export function experimentIdOf(id: string): string {
  if (!/^\d{1,18}$/.test(id)) throw new NotFoundError(`No Experiment with id=${id} exists`)
  return id
}

/** The run a request names by `run_id`, or by the deprecated `run_uuid` older clients send. */
export function runIdOf(request: { run_id?: string | undefined; run_uuid?: string | undefined }): string {
  const id = request.run_id ?? request.run_uuid
  if (id === undefined) {
    throw new InvalidInputError(
      "Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.",
    )
  }
  if (!/^[0-9a-f]{32}$/.test(id)) throw new NotFoundError(`Run with id=${id} not found`)
  return id
}

/** MLflow's most results per search (SEARCH_MAX_RESULTS_THRESHOLD); larger asks are refused. */
const MLFLOW_MAX_RESULTS = 50_000
/** Most items Provena puts on one page; a larger `max_results` is served over several pages. */
const PAGE_CAP = 1000

/** How many items one page holds for an MLflow `max_results` (default `defaultValue`). */
export function pageSizeOf(maxResults: number | undefined, defaultValue: number): number {
  const asked = maxResults ?? defaultValue
  if (asked < 1 || asked > MLFLOW_MAX_RESULTS) {
    throw new InvalidInputError(
      `Invalid value ${asked} for parameter 'max_results' supplied. It must be between 1 and ${MLFLOW_MAX_RESULTS}.`,
    )
  }
  return Math.min(asked, PAGE_CAP)
}
