import { type ColumnDrift, DatasetProfile, DriftReport, DriftThresholds } from '@provena/contract'
import { describe, expect, it } from 'vitest'
import { compareProfiles } from './drift-report.js'
import { categoricalSample, normalSample, profileOf, type TestColumn } from './test-support/drift-profiles.js'
import { prng } from './test-support/prng.js'

const DEFAULTS = DriftThresholds.parse({})
const N = 10_000
const COLORS = ['red', 'green', 'blue', 'black']
const COLOR_WEIGHTS = [0.4, 0.3, 0.2, 0.1]

/** A table of N rows: `amount` ~ Normal(mean, 10), `color` from COLORS (or the given categories). */
function table(seed: number, options: { mean?: number; colors?: string[]; weights?: number[] } = {}): TestColumn[] {
  const random = prng(seed)
  return [
    { name: 'amount', type: 'float', values: normalSample(random, N, options.mean ?? 100, 10) },
    {
      name: 'color',
      type: 'string',
      values: categoricalSample(random, N, options.colors ?? COLORS, options.weights ?? COLOR_WEIGHTS),
    },
  ]
}

function compare(reference: TestColumn[], current: TestColumn[], thresholds = DEFAULTS) {
  const referenceProfile = DatasetProfile.parse(profileOf(reference))
  const currentProfile = DatasetProfile.parse(profileOf(current))
  const report = compareProfiles(
    { label: 'v1', profile: referenceProfile },
    { label: 'v2', profile: currentProfile },
    thresholds,
  )
  return DriftReport.parse(report)
}

const columnOf = (report: DriftReport, name: string) => report.columns.find((c) => c.name === name) as ColumnDrift

describe('compareProfiles', () => {
  it('finds no drift between two samples of the same distribution', () => {
    const report = compare(table(1), table(2))

    expect(report.verdict).toBe('ok')
    const amount = columnOf(report, 'amount')
    expect(amount).toMatchObject({ kind: 'numeric', verdict: 'ok', reasons: [], jsDistance: null })
    expect(amount.psi).toBeLessThan(0.01)
    expect(amount.ks).toBeLessThan(0.03)
    const color = columnOf(report, 'color')
    expect(color).toMatchObject({ kind: 'categorical', verdict: 'ok', ks: null, newCategories: [] })
    expect(color.jsDistance).toBeLessThan(0.03)
  })

  it('flags a shifted mean as drift, with the reasons in words', () => {
    const report = compare(table(1), table(2, { mean: 110 })) // one standard deviation

    const amount = columnOf(report, 'amount')
    expect(amount.verdict).toBe('drift')
    // Theory for a one-sigma shift: KS = 2·Φ(0.5) − 1 = 0.383; PSI on deciles about 0.9.
    expect(amount.ks).toBeCloseTo(0.383, 1)
    expect(amount.psi).toBeGreaterThan(0.7)
    expect(amount.reasons).toEqual([
      expect.stringMatching(/^PSI 0\.\d+ >= 0\.25$/),
      expect.stringMatching(/^KS 0\.\d+ >= 0\.2$/),
    ])
    expect(amount.mean?.current).toBeCloseTo(110, 0)
    expect(columnOf(report, 'color').verdict).toBe('ok')
    expect(report.verdict).toBe('drift')
  })

  it('flags a new category with real mass as drift and names it', () => {
    const report = compare(table(1), table(2, { colors: [...COLORS, 'purple'], weights: [...COLOR_WEIGHTS, 0.15] }))

    const color = columnOf(report, 'color')
    expect(color.newCategories).toEqual(['purple'])
    expect(color.vanishedCategories).toEqual([])
    expect(color.verdict).toBe('drift')
    expect(color.psi).toBeGreaterThan(0.25)
    expect(color.reasons).toContain('1 new category: "purple"')
    expect(report.verdict).toBe('drift')
  })

  it('warns about a new category even when its mass is tiny', () => {
    const current = table(1)
    const colors = [...(current[1]!.values as string[])]
    colors[0] = 'teal'

    const color = columnOf(compare(table(1), [current[0]!, { name: 'color', type: 'string', values: colors }]), 'color')

    expect(color.psi).toBeLessThan(0.1)
    expect(color.verdict).toBe('warn')
    expect(color.reasons).toEqual(['1 new category: "teal"'])
  })

  it('reports vanished categories and does not call values new when the reference list was cut', () => {
    const many = Array.from({ length: 1500 }, (_, i) => `id-${i}`)
    const reference = [{ name: 'id', type: 'string' as const, values: [...many, ...many.slice(0, 500)] }]
    const current = [{ name: 'id', type: 'string' as const, values: ['brand-new', ...many.slice(0, 10)] }]

    const inexact = columnOf(compare(reference, current), 'id')
    const vanished = columnOf(
      compare(
        [{ name: 'id', type: 'string', values: ['a', 'b', 'c'] }],
        [{ name: 'id', type: 'string', values: ['a'] }],
      ),
      'id',
    )

    expect(inexact.newCategories).toEqual([]) // the reference keeps 1000 of 1500 values: 'brand-new' may be among the rest
    expect(vanished.vanishedCategories).toEqual(['b', 'c'])
    expect(vanished.reasons).toContain('2 vanished categories: "b", "c"')
  })

  it('reports added, removed and retyped columns and the row count change', () => {
    const reference: TestColumn[] = [
      { name: 'id', type: 'integer', values: [1, 2, 3, 4] },
      { name: 'gone', type: 'string', values: ['a', 'b', 'a', 'b'] },
      { name: 'flag', type: 'boolean', values: [true, false, true, false] },
      { name: 'code', type: 'integer', values: [1, 2, 3, 4] },
    ]
    const current: TestColumn[] = [
      { name: 'id', type: 'float', values: [1, 2, 3, 4.5, 5] },
      { name: 'flag', type: 'boolean', values: [true, false, true, false, true] },
      { name: 'code', type: 'string', values: ['1', '2', 'x', '4', '5'] },
      { name: 'extra', type: 'float', values: [1, 2, 3, 4, 5] },
    ]

    const report = compare(reference, current)

    expect(report.schema).toEqual({
      added: [{ name: 'extra', type: 'float' }],
      removed: [{ name: 'gone', type: 'string' }],
      retyped: [
        { name: 'id', from: 'integer', to: 'float' },
        { name: 'code', from: 'integer', to: 'string' },
      ],
    })
    expect(report.rowCount).toEqual({ reference: 4, current: 5, change: 1, relativeChange: 0.25 })
    expect(report.columns.map((c) => c.name)).toEqual(['id', 'flag', 'code'])
    expect(columnOf(report, 'code')).toMatchObject({
      kind: 'numeric',
      referenceType: 'integer',
      currentType: 'string',
      psi: 0,
      ks: null,
      jsDistance: null,
      verdict: 'drift',
      reasons: ['type changed from integer to string: a numeric column cannot be compared with a categorical one'],
    })
    expect(columnOf(report, 'id').ks).not.toBeNull()
    expect(report.files).toBeNull()
    expect(report.verdict).toBe('drift')
  })

  it('warns about an added column alone', () => {
    const reference = table(1)
    const current = [...table(2), { name: 'note', type: 'string' as const, values: ['x'] }]

    const report = compare(reference, current)

    expect(report.schema.added).toEqual([{ name: 'note', type: 'string' }])
    expect(report.verdict).toBe('warn')
  })

  it('honours custom thresholds', () => {
    const reference = table(1)
    const current = table(2, { mean: 103 }) // PSI about 0.09, KS about 0.12
    const strict = DriftThresholds.parse({ psi: { warn: 0.01, drift: 0.02 }, ks: { warn: 0.01, drift: 0.03 } })
    const lax = DriftThresholds.parse({ psi: { warn: 5, drift: 10 }, ks: { warn: 0.5, drift: 0.9 } })

    const byDefault = compare(reference, current)
    const strictReport = compare(reference, current, strict)
    const laxReport = compare(reference, current, lax)

    expect(columnOf(byDefault, 'amount').verdict).toBe('warn')
    expect(columnOf(strictReport, 'amount').verdict).toBe('drift')
    expect(columnOf(strictReport, 'amount').reasons).toEqual([
      expect.stringMatching(/^PSI [\d.]+ >= 0\.02$/),
      expect.stringMatching(/^KS [\d.]+ >= 0\.03$/),
    ])
    expect(columnOf(laxReport, 'amount').verdict).toBe('ok')
    expect(laxReport.thresholds).toEqual(lax)
  })

  it('gives finite numbers for constant columns, zero rows and all-null columns', () => {
    const constant = (value: number, n: number): TestColumn => ({
      name: 'c',
      type: 'integer',
      values: Array(n).fill(value),
    })
    const nulls = (n: number): TestColumn => ({ name: 'n', type: 'float', values: Array(n).fill(null) })
    const label = (values: (string | null)[]): TestColumn => ({ name: 's', type: 'string', values })

    const same = compare(
      [constant(7, 50), nulls(50), label(Array(50).fill('a'))],
      [constant(7, 80), nulls(80), label(Array(80).fill('a'))],
    )
    const moved = compare([constant(7, 50)], [constant(8, 50)])
    const empty = compare([constant(7, 0), nulls(0), label([])], [constant(7, 0), nulls(0), label([])])
    const emptied = compare(
      [constant(7, 50), label(['a', 'b'])],
      [{ ...nulls(3), name: 'c', type: 'integer' }, label([null, null])],
    )

    for (const report of [same, moved, empty, emptied]) {
      const numbers = JSON.stringify(report).match(/-?\d+(\.\d+)?(e[+-]?\d+)?|NaN|Infinity|null/g)
      expect(numbers).not.toContain('NaN')
      expect(numbers).not.toContain('Infinity')
      for (const column of report.columns) {
        expect(Number.isFinite(column.psi)).toBe(true)
        expect(Number.isFinite(column.nullRate.reference) && Number.isFinite(column.nullRate.current)).toBe(true)
      }
    }
    expect(same.verdict).toBe('ok')
    expect(same.columns.map((c) => [c.name, c.psi, c.ks ?? c.jsDistance])).toEqual([
      ['c', 0, 0],
      ['n', 0, null],
      ['s', 0, 0],
    ])
    expect(columnOf(moved, 'c')).toMatchObject({ verdict: 'drift', ks: 1 })
    expect(empty.rowCount).toEqual({ reference: 0, current: 0, change: 0, relativeChange: null })
    expect(empty.verdict).toBe('ok')
    expect(columnOf(emptied, 'c')).toMatchObject({
      verdict: 'drift',
      nullRate: { reference: 0, current: 1 },
      reasons: ['no values on the current side'],
    })
    expect(columnOf(emptied, 's').verdict).toBe('drift')
  })
})
