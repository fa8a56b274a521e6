import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { DatasetFile } from '@provena/contract'
import type { Provena } from '@provena/sdk'
import { datasetDigest } from '../../../data/src/index.js'

export const LINEAGE_COMMIT = 'c0ffee'.padEnd(40, '0')
const REPO_URL = 'https://github.com/acme/sentiment.git'

export interface LineageDemoData {
  /** reviews@1 --input: training--> train-base --output--> sentiment-base v1 --input: fine-tuning--> fine-tune --output--> sentiment-tuned v1 */
  trainRunId: string
  fineTuneRunId: string
}

function file(filePath: string, content: string): DatasetFile {
  return {
    path: filePath,
    sizeBytes: Buffer.byteLength(content),
    sha256: createHash('sha256').update(content).digest('hex'),
  }
}

/**
 * A pipeline made through the real API: a dataset version read by a training run (whose code is
 * a git commit), the model version it registered, a fine-tuning run that used that model version,
 * and the model version the fine-tuning registered. Lineage edges are only what the server recorded.
 */
export async function seedLineageDemoData(provena: Provena): Promise<LineageDemoData> {
  const files = [file('reviews.csv', 'text,label\ngreat,1\nawful,0\n')]
  await provena.datasets.register('reviews', {
    source: 's3://demo-data/reviews/2026-11/',
    format: 'csv',
    files,
    digest: datasetDigest(files),
    schema: null,
    profile: null,
  })
  // A version nothing has used yet: its lineage is itself alone.
  const notes = [file('notes.txt', 'nothing uses this yet\n')]
  await provena.datasets.register('notes', {
    source: '/srv/notes/',
    format: 'other',
    files: notes,
    digest: datasetDigest(notes),
    schema: null,
    profile: null,
  })
  await provena.models.create({ name: 'sentiment-base' })
  await provena.models.create({ name: 'sentiment-tuned' })
  const folder = mkdtempSync(path.join(tmpdir(), 'provena-lineage-'))
  try {
    writeFileSync(path.join(folder, 'model.bin'), 'base weights')
    const train = await provena.startRun({
      experiment: 'sentiment',
      name: 'train-base',
      tags: { 'mlflow.source.git.commit': LINEAGE_COMMIT, 'mlflow.source.git.repoURL': REPO_URL },
    })
    await provena.datasets.logInput(train.id, 'reviews@1', { context: 'training' })
    const base = await train.logModel(folder, { framework: 'pytorch' })
    await train.end()
    await provena.models.register('sentiment-base', base.uri)

    writeFileSync(path.join(folder, 'model.bin'), 'tuned weights')
    const fineTune = await provena.startRun({ experiment: 'sentiment', name: 'fine-tune' })
    await provena.lineage.logModelInput(fineTune.id, 'models:/sentiment-base/1', { context: 'fine-tuning' })
    const tuned = await fineTune.logModel(folder, { framework: 'pytorch' })
    await fineTune.end()
    await provena.models.register('sentiment-tuned', tuned.uri)
    return { trainRunId: train.id, fineTuneRunId: fineTune.id }
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}
