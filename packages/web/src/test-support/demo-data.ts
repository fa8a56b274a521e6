import type { Experiment, Provena } from '@provena/sdk'

export interface DemoData {
  experiment: Experiment
  otherExperiment: Experiment
  /** Run ids by run name. */
  runIds: Record<string, string>
}

const OPTIMIZERS = ['adam', 'sgd', 'adamw']

/** The artifact files of resnet-03, by path. */
export const DEMO_ARTIFACTS: Record<string, string> = {
  'notes.txt': 'resnet-03: lr 0.003, adam\n',
  'model/config.json': '{"layers": 50, "classes": 10}\n',
  'model/weights.bin': 'not really weights, but 38 bytes long\n',
}

/**
 * A small, realistic tracking history made through the SDK: a sweep of 12 image-classifier runs
 * with params and 120 steps of loss/accuracy, one parent run with 3 nested trials, one run still
 * running, and a second experiment. Deterministic, so tests and screenshots can name values.
 */
export async function seedDemoData(provena: Provena, suffix = ''): Promise<DemoData> {
  const experiment = await provena.experiments.create({
    name: `image-classifier${suffix}`,
    description: 'ResNet variants on CIFAR-10',
  })
  const otherExperiment = await provena.experiments.create({ name: `text-classifier${suffix}` })
  const runIds: Record<string, string> = {}
  const t0 = Date.UTC(2026, 10, 1, 9, 0, 0)
  for (let i = 0; i < 12; i++) {
    const lr = [0.1, 0.03, 0.01, 0.003][i % 4] ?? 0.01
    const run = await provena.startRun({
      experiment: experiment.id,
      name: `resnet-${String(i).padStart(2, '0')}`,
      params: { lr, optimizer: OPTIMIZERS[i % 3] ?? 'adam', batch_size: 32 * (1 + (i % 2)), layers: 18 + 16 * (i % 3) },
      tags: { team: i % 2 === 0 ? 'vision' : 'platform' },
    })
    const speed = 20 + 7 * i
    for (let step = 0; step < 120; step++) {
      const timestamp = t0 + i * 3_600_000 + step * 1000
      const noise = 0.02 * Math.sin(step * (1.3 + i))
      run.logMetric('loss', 2.3 * Math.exp(-step / speed) + 0.05 + noise, { step, timestamp })
      run.logMetric('accuracy', 0.1 + (0.8 - i * 0.01) * (1 - Math.exp(-step / speed)), { step, timestamp })
    }
    if (i === 3) {
      // Files while the run is running (a finished run's artifacts are frozen).
      for (const [path, text] of Object.entries(DEMO_ARTIFACTS)) {
        await provena.artifacts.upload(run.id, path, () => text)
      }
    }
    await run.end(i === 5 ? 'FAILED' : 'FINISHED')
    runIds[run.name] = run.id
  }
  const sweep = await provena.startRun({
    experiment: experiment.id,
    name: 'lr-sweep',
    params: { strategy: 'grid' },
    tags: { 'mlflow.source.name': 'train.py', 'mlflow.source.git.commit': '3f2a9c1', team: 'vision' },
  })
  for (let k = 0; k < 3; k++) {
    const trial = await provena.startRun({
      experiment: experiment.id,
      name: `trial-${k}`,
      parentRunId: sweep.id,
      params: { lr: 0.1 / 10 ** k, optimizer: 'adam' },
    })
    for (let step = 0; step < 40; step++) trial.logMetric('loss', 1 / (step + 1 + k), { step })
    await trial.end()
    runIds[trial.name] = trial.id
  }
  await sweep.end()
  runIds[sweep.name] = sweep.id
  const live = await provena.startRun({ experiment: experiment.id, name: 'live-run', params: { lr: 0.01 } })
  for (let step = 0; step < 30; step++) live.logMetric('loss', 1 / (step + 1), { step })
  await live.flush()
  runIds[live.name] = live.id
  const text = await provena.startRun({ experiment: otherExperiment.id, name: 'bert-base', params: { lr: 0.0001 } })
  text.logMetric('f1', 0.87, { step: 1 })
  await text.end()
  runIds[text.name] = text.id
  return { experiment, otherExperiment, runIds }
}
