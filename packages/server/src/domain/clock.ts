import { randomBytes } from 'node:crypto'

/** Time source, passed in so tests can fix it. */
export interface Clock {
  nowMs(): number
}

export const systemClock: Clock = { nowMs: () => Date.now() }

/** Id source, passed in so tests can fix it. */
export interface IdGenerator {
  /** 32 lowercase hex characters, as MLflow's run ids. */
  runId(): string
  /** Ids of other records (datasets, dataset versions): 32 lowercase hex characters too. */
  objectId(): string
}

export const randomIds: IdGenerator = {
  runId: () => randomBytes(16).toString('hex'),
  objectId: () => randomBytes(16).toString('hex'),
}
