/**
 * Exponential moving average with TensorBoard's debiasing: early points are not pulled towards
 * zero. `weight` 0 returns the values unchanged; 0.9 smooths strongly. NaN and infinite values
 * stay as they are and do not disturb the average.
 */
export function smoothEma(values: ArrayLike<number | null>, weight: number): (number | null)[] {
  const out = new Array<number | null>(values.length)
  if (weight <= 0) {
    for (let i = 0; i < values.length; i++) out[i] = values[i] ?? null
    return out
  }
  let average = 0
  let count = 0
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (value === null || value === undefined || !Number.isFinite(value)) {
      out[i] = value ?? null
      continue
    }
    average = average * weight + (1 - weight) * value
    count++
    out[i] = average / (1 - weight ** count)
  }
  return out
}
