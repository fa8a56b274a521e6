import { NotFoundError } from '@provena/contract'
import type { RunRecord } from '../../storage/db/runs-repository.js'
import type { Store } from '../../storage/store.js'
import type { Authorizer } from '../auth/authorizer.js'
import type { RequestContext } from '../auth/principal.js'
import { findAuthorizedRun } from './runs-service.js'

export type RunLocations = ReturnType<typeof createRunLocations>

/**
 * MLflow names a run's artifacts by `<experiment id>/<run id>/artifacts/…`. The experiment in such a
 * location must be the run's own: a run reached through another experiment's id is "not found",
 * so a location never lets anyone read or write a run under an experiment it is not in.
 */
export function createRunLocations({ store, authorizer }: { store: Store; authorizer: Authorizer }) {
  return {
    /** The run at `<experimentId>/<runId>`, once the caller may read it. */
    async find(ctx: RequestContext, experimentId: string, runId: string): Promise<RunRecord> {
      const run = await findAuthorizedRun(store, authorizer, ctx, runId, 'READ')
      if (run.experimentId !== experimentId) {
        throw new NotFoundError(`run ${runId} is not in experiment ${experimentId}`)
      }
      return run
    },
  }
}
