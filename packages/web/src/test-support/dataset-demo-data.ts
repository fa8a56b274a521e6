import { createHash } from 'node:crypto'
import type { DatasetFile, DatasetProfile, DatasetVersion } from '@provena/contract'
import type { Provena } from '@provena/sdk'
import { datasetDigest } from '../../../data/src/index.js'
import {
  categoricalSample,
  normalSample,
  profileOf,
  type TestColumn,
} from '../../../data/src/test-support/drift-profiles.js'
import { prng } from '../../../data/src/test-support/prng.js'

export interface DatasetDemoData {
  /** `customers` v1 and v2: v2 has a shifted `income` and a new `plan` category. */
  reference: DatasetVersion
  current: DatasetVersion
  /** `churn-scores` v1, produced by the run. */
  scores: DatasetVersion
  /** A run that read customers v1 for training and v2 for validation, and produced churn-scores v1. */
  runId: string
}

const ROWS = 2000
const PLANS = ['basic', 'pro', 'enterprise']
const SIGNUP_FROM_MS = Date.UTC(2024, 0, 1)
const SIGNUP_SPAN_MS = 2 * 365 * 86_400_000

function file(path: string, content: string): DatasetFile {
  return { path, sizeBytes: Buffer.byteLength(content), sha256: createHash('sha256').update(content).digest('hex') }
}

/** A customers table: `age`, `signup` and `is_active` from the same distributions in both versions, `income` and `plan` as given. */
function customers(seed: number, incomeMean: number, plans: string[], weights: number[]): DatasetProfile {
  const random = prng(seed)
  const columns: TestColumn[] = [
    { name: 'age', type: 'integer', values: normalSample(random, ROWS, 41, 11).map(Math.round) },
    { name: 'income', type: 'float', values: normalSample(random, ROWS, incomeMean, 9_000) },
    { name: 'plan', type: 'string', values: categoricalSample(random, ROWS, plans, weights) },
    {
      name: 'signup',
      type: 'timestamp',
      values: Array.from({ length: ROWS }, () => SIGNUP_FROM_MS + Math.floor(random() * SIGNUP_SPAN_MS)),
    },
    {
      name: 'is_active',
      type: 'boolean',
      values: categoricalSample(random, ROWS, ['true', 'false'], [3, 1]).map((v) => v === 'true'),
    },
  ]
  return profileOf(columns)
}

async function register(
  provena: Provena,
  name: string,
  files: DatasetFile[],
  profile: DatasetProfile,
  source: string,
  description: string,
) {
  const { datasetVersion } = await provena.datasets.register(name, {
    source,
    format: 'csv',
    files,
    digest: datasetDigest(files),
    schema: { columns: profile.columns.map((c) => ({ name: c.name, type: c.type })) },
    profile,
    description,
  })
  return datasetVersion
}

/**
 * Two versions of a `customers` dataset registered through the SDK (profiles made here, digests
 * computed as the CLI does), and a run that read them and produced a third dataset. Deterministic.
 */
export async function seedDatasetDemoData(provena: Provena, experimentId: string): Promise<DatasetDemoData> {
  const v1Files = [file('part-0.csv', 'a,b\n1,2\n'), file('part-1.csv', 'a,b\n3,4\n')]
  const v2Files = [file('part-0.csv', 'a,b\n1,2\n'), file('part-1.csv', 'a,b\n3,5\n'), file('part-2.csv', 'a,b\n6,7\n')]
  const reference = await register(
    provena,
    'customers',
    v1Files,
    customers(1, 52_000, PLANS, [5, 3, 1]),
    's3://demo-data/customers/2026-10/',
    'Customer table, October export',
  )
  const v2Profile = customers(2, 61_000, [...PLANS, 'trial'], [4, 3, 1, 2])
  v2Profile.warnings.push('part-2.csv: 3 rows had fewer fields than the header; the missing fields count as nulls')
  const current = await register(
    provena,
    'customers',
    v2Files,
    v2Profile,
    's3://demo-data/customers/2026-11/',
    'Customer table, November export',
  )
  const random = prng(3)
  const scores = await register(
    provena,
    'churn-scores',
    [file('scores.csv', 'id,score\n1,0.2\n')],
    profileOf([{ name: 'score', type: 'float', values: Array.from({ length: 500 }, () => random()) }]),
    '/srv/out/churn-scores.csv',
    'Churn probability per customer',
  )
  const run = await provena.startRun({ experiment: experimentId, name: 'train-churn', params: { model: 'gbm' } })
  await provena.datasets.logInput(run.id, 'customers@1', { context: 'training' })
  await provena.datasets.logInput(run.id, 'customers@2', { context: 'validation' })
  await provena.datasets.logOutput(run.id, 'churn-scores@1')
  await run.end()
  return { reference, current, scores, runId: run.id }
}
