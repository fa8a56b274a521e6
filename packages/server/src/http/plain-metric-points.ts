import { Key, type MetricPointInput, type MetricSeriesInput } from '@provena/contract'

const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity'])

/**
 * Metric points read from parsed JSON when every one is plainly well-formed (an object with a
 * valid key, a value that is a number or "NaN"/"Infinity"/"-Infinity", a timestamp that is absent
 * or a safe integer >= 0, a step that is absent or a safe integer), else undefined: the caller
 * then validates with the contract's schema, which names what is wrong. It accepts exactly what
 * the schema accepts, and returns the same points.
 *
 * Each distinct key is checked once by the Key schema: a batch is typically 1,000 points of a few
 * keys, and checking every point through the general schema cost a fifth of the server's time
 * per batch. `timestampField` is the wire name of the timestamp (`timestampMs` natively,
 * `timestamp` in MLflow's API).
 */
export function readPlainMetricPoints(
  raw: unknown[],
  timestampField: 'timestampMs' | 'timestamp',
): MetricPointInput[] | undefined {
  let lastKey: string | undefined
  const keys = new Set<string>()
  const points: MetricPointInput[] = new Array(raw.length)
  for (let i = 0; i < raw.length; i++) {
    const m = raw[i] as Record<string, unknown> | null
    if (typeof m !== 'object' || m === null || Array.isArray(m)) return undefined
    const { key, value, step } = m
    const timestampMs = m[timestampField]
    if (typeof key !== 'string') return undefined
    if (key !== lastKey) {
      if (!keys.has(key)) {
        if (!Key.safeParse(key).success) return undefined
        keys.add(key)
      }
      lastKey = key
    }
    if (!isMetricValue(value)) return undefined
    if (timestampMs !== undefined && !(Number.isSafeInteger(timestampMs) && (timestampMs as number) >= 0))
      return undefined
    if (step !== undefined && !Number.isSafeInteger(step)) return undefined
    points[i] = {
      key,
      value: value as MetricPointInput['value'],
      timestampMs: timestampMs as number | undefined,
      step: step as number | undefined,
    }
  }
  return points
}

function isMetricValue(value: unknown): boolean {
  return typeof value === 'number' || (typeof value === 'string' && NON_FINITE.has(value))
}

/**
 * Series (points in columns) read from parsed JSON when every one is plainly well-formed, else
 * undefined: like readPlainMetricPoints, exactly what the contract's MetricSeriesInput accepts.
 * The arrays are kept as they are: a series is checked, not copied.
 */
export function readPlainSeries(raw: unknown[]): MetricSeriesInput[] | undefined {
  const keys = new Set<string>()
  for (const s of raw) {
    if (typeof s !== 'object' || s === null || Array.isArray(s)) return undefined
    const { key, values, steps, timestampsMs } = s as Record<string, unknown>
    if (typeof key !== 'string' || !Array.isArray(values)) return undefined
    if (!keys.has(key)) {
      if (!Key.safeParse(key).success) return undefined
      keys.add(key)
    }
    for (const value of values) if (!isMetricValue(value)) return undefined
    if (steps !== undefined) {
      if (!Array.isArray(steps) || steps.length !== values.length) return undefined
      for (const step of steps) if (!Number.isSafeInteger(step)) return undefined
    }
    if (timestampsMs !== undefined) {
      if (!Array.isArray(timestampsMs) || timestampsMs.length !== values.length) return undefined
      for (const t of timestampsMs) if (!(Number.isSafeInteger(t) && (t as number) >= 0)) return undefined
    }
  }
  // Only the fields the schema keeps: anything else a client sent is left out, as the schema does.
  return (raw as MetricSeriesInput[]).map(({ key, values, steps, timestampsMs }) => ({
    key,
    values,
    ...(steps === undefined ? {} : { steps }),
    ...(timestampsMs === undefined ? {} : { timestampsMs }),
  }))
}
