/**
 * The floor under every bin's proportion in the PSI: an empty bin would make ln(a/e) infinite, and
 * 1e-4 (one value in 10,000) keeps a bin that only one side has from dwarfing all the others.
 */
const PSI_FLOOR = 1e-4

/** Population stability index Σ (a − e)·ln(a / e) over bins given as proportions, each floored at PSI_FLOOR. */
export function populationStabilityIndex(expected: readonly number[], actual: readonly number[]): number {
  let psi = 0
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i] ?? 0, PSI_FLOOR)
    const a = Math.max(actual[i] ?? 0, PSI_FLOOR)
    psi += (a - e) * Math.log(a / e)
  }
  return psi
}

/** Jensen-Shannon distance with base-2 logarithms (the square root of the divergence), in [0, 1]. */
export function jensenShannonDistance(p: readonly number[], q: readonly number[]): number {
  let divergence = 0
  for (let i = 0; i < p.length; i++) {
    const a = p[i] ?? 0
    const b = q[i] ?? 0
    const m = (a + b) / 2
    if (a > 0) divergence += 0.5 * a * Math.log2(a / m)
    if (b > 0) divergence += 0.5 * b * Math.log2(b / m)
  }
  // Rounding can leave the sum a hair outside [0, 1].
  return Math.sqrt(Math.min(1, Math.max(0, divergence)))
}
