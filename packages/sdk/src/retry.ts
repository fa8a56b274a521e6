/** What one attempt ended with: a value or a thrown error. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown }

/** How often and when to try again. */
interface RetryPolicy<T> {
  /** Retries after the first attempt; 0 means a single attempt. */
  maxRetries: number
  shouldRetry(outcome: Outcome<T>): boolean
}

const BASE_DELAY_MS = 100
const MAX_DELAY_MS = 5000

/**
 * The wait before retry number `retryIndex` (0-based): exponential, capped, with full jitter so
 * that many clients cut off by the same outage do not come back in lockstep.
 */
export function backoffDelayMs(retryIndex: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** retryIndex)
  return Math.round(ceiling * random())
}

// Deliberately not unref'd: a retry in progress during the exit flush must keep the process alive.
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

async function settle<T>(attempt: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await attempt() }
  } catch (error) {
    return { ok: false, error }
  }
}

/** Runs `attempt` until the policy accepts its outcome or retries run out; returns or throws the last outcome. */
export async function retryWithBackoff<T>(attempt: () => Promise<T>, policy: RetryPolicy<T>): Promise<T> {
  let outcome = await settle(attempt)
  for (let retry = 0; retry < policy.maxRetries && policy.shouldRetry(outcome); retry++) {
    await sleep(backoffDelayMs(retry))
    outcome = await settle(attempt)
  }
  if (outcome.ok) return outcome.value
  throw outcome.error
}
