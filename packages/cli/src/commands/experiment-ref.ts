import type { Experiment } from '@provena/contract'
import type { Provena } from '@provena/sdk'

/** An all-digit argument is an experiment id; anything else is a name. */
function isExperimentId(idOrName: string): boolean {
  return /^\d+$/.test(idOrName)
}

/** The experiment an ID_OR_NAME argument means; a deleted experiment is found by name too. */
export async function findExperiment(client: Provena, idOrName: string): Promise<Experiment> {
  return isExperimentId(idOrName) ? client.experiments.get(idOrName) : client.experiments.getByName(idOrName)
}

/** The id an ID_OR_NAME argument means, asking the server only for names. */
export async function resolveExperimentId(client: Provena, idOrName: string): Promise<string> {
  return isExperimentId(idOrName) ? idOrName : (await client.experiments.getByName(idOrName)).id
}
