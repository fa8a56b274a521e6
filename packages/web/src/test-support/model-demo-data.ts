import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { ModelVersion, PromotionRequest } from '@provena/contract'
import { Provena } from '@provena/sdk'

export const MODEL_NAME = 'churn-classifier'
export const REQUESTER = 'alice'
const REQUESTER_PASSWORD = 'alice-password-1'

export interface ModelDemoData {
  /** v1..v3, each logged with `run.logModel` by its own run (v3's run read customers v1 and v2). */
  versions: ModelVersion[]
  runIds: string[]
  /** alice's pending request to move the protected @production from v1 to v3. */
  byRequester: PromotionRequest
  /** The admin's own pending request to move @production to v2 (the admin may not approve it). */
  byAdmin: PromotionRequest
}

/**
 * A model with three versions made from three runs: @staging on v3, @production (protected) on
 * v1, alice's request to promote v3 to production, the admin's own request for v2, and a card on v3.
 * Needs the customers datasets of `seedDatasetDemoData` and a server started with `--auth`.
 */
export async function seedModelDemoData(provena: Provena, url: string, experimentId: string): Promise<ModelDemoData> {
  await provena.models.create({ name: MODEL_NAME, description: 'Predicts which customers will cancel next month' })
  const versions: ModelVersion[] = []
  const runIds: string[] = []
  const folder = mkdtempSync(path.join(tmpdir(), 'provena-model-'))
  try {
    for (const [i, accuracy] of [0.81, 0.84, 0.87].entries()) {
      writeFileSync(path.join(folder, 'model.pkl'), `weights of model ${i + 1}`.repeat(200 * (i + 1)))
      writeFileSync(path.join(folder, 'preprocess.json'), JSON.stringify({ scale: i + 1 }))
      const run = await provena.startRun({
        experiment: experimentId,
        name: `train-gbm-${i + 1}`,
        params: { depth: 4 + i },
      })
      run.logMetrics({ accuracy, auc: accuracy + 0.07 })
      if (i === 2) {
        await provena.datasets.logInput(run.id, 'customers@1', { context: 'training' })
        await provena.datasets.logInput(run.id, 'customers@2', { context: 'validation' })
      }
      const logged = await run.logModel(folder, {
        framework: 'sklearn',
        signature: {
          inputs: [{ name: 'features', type: 'float64', shape: [-1, 5] }],
          outputs: [{ name: 'churn_probability', type: 'float64', shape: [-1] }],
        },
        requirements: ['scikit-learn==1.5.2', 'numpy==2.1.1'],
      })
      await run.end()
      versions.push(await provena.models.register(MODEL_NAME, logged.uri, { description: `gbm, depth ${4 + i}` }))
      runIds.push(run.id)
    }
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
  await provena.models.setAlias(MODEL_NAME, 'production', { version: 1, reason: 'first release' })
  await provena.models.setAlias(MODEL_NAME, 'staging', { version: 2 })
  await provena.models.setAlias(MODEL_NAME, 'staging', { version: 3, reason: 'better AUC on the validation set' })
  await provena.models.protectAlias(MODEL_NAME, 'production', true)
  await provena.models.updateCard(MODEL_NAME, 3, {
    owners: ['ml-platform', 'alice'],
    intendedUse: 'Rank active customers by their risk of cancelling, for the retention team.',
    outOfScopeUse: 'Credit, pricing or any decision about an individual without human review.',
    limitations: 'Trained on 2024 customers only; new plans (trial) are rare in the training data.',
    ethicalConsiderations: 'Income is a feature; check outcomes per income band before each release.',
    markdown: 'Retrained monthly.',
  })
  await provena.users.create({ username: REQUESTER, password: REQUESTER_PASSWORD })
  await provena.permissions.grant('registered_model', MODEL_NAME, REQUESTER, 'EDIT')
  const alice = new Provena({ url, username: REQUESTER, password: REQUESTER_PASSWORD })
  const byRequester = await alice.models.requestPromotion(MODEL_NAME, {
    version: 3,
    alias: 'production',
    reason: 'AUC 0.94 on validation, up from 0.88',
  })
  const byAdmin = await provena.models.requestPromotion(MODEL_NAME, {
    version: 2,
    alias: 'production',
    reason: 'a smaller step first',
  })
  return { versions, runIds, byRequester, byAdmin }
}
