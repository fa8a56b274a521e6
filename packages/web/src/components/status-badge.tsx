import type { RunStatus } from '@provena/sdk'

/** A run's status as a coloured label (the colour is never the only signal: the word is there). */
export function StatusBadge({ status }: { status: RunStatus }) {
  return <span className={`badge badge-${status.toLowerCase()}`}>{status.toLowerCase()}</span>
}
