import { GitCommit } from '@provena/contract'
import type { Store } from '../../storage/store.js'

/** MLflow's run tags for the code a run executed (written by Provena's capture and by MLflow clients). */
const GIT_COMMIT_TAG = 'mlflow.source.git.commit'
const GIT_REPO_URL_TAG = 'mlflow.source.git.repoURL'

/** Whether writing this tag key can change the run's code version. */
export function isCodeTag(key: string): boolean {
  return key === GIT_COMMIT_TAG || key === GIT_REPO_URL_TAG
}

/**
 * Makes the run's `executed` edge follow its tags: after any write of run tags (at create, by
 * set-tag, in a batch, or a delete), the run has exactly one code_version --executed--> run edge
 * when `mlflow.source.git.commit` holds a full commit hash, and none otherwise. A tag that is not
 * a commit hash is kept as a tag but makes no code version (MLflow accepts any text there).
 * Call it inside the transaction that wrote the tags.
 */
export async function syncCodeVersionEdge(tx: Store, runId: string, nowMs: number): Promise<void> {
  const tags = await tx.lineageNodes.runTags(runId, [GIT_COMMIT_TAG, GIT_REPO_URL_TAG])
  const commitText = tags.get(GIT_COMMIT_TAG)?.trim().toLowerCase()
  const commit = commitText === undefined ? undefined : GitCommit.safeParse(commitText)
  const existing = (await tx.lineage.edgesTo('run', runId)).filter((e) => e.edgeType === 'executed')
  const wanted = commit?.success ? commit.data : undefined
  if (wanted !== undefined) {
    await tx.lineageNodes.upsertCodeVersion({
      commitHash: wanted,
      repoUrl: tags.get(GIT_REPO_URL_TAG) ?? null,
      createdAtMs: nowMs,
    })
  }
  if (existing.length === 1 && existing[0]?.sourceId === wanted) return
  await tx.lineage.deleteEdgesTo({ type: 'run', id: runId }, 'executed')
  if (wanted === undefined) return
  const run = await tx.runs.findById(runId)
  await tx.lineage.addEdge({
    sourceType: 'code_version',
    sourceId: wanted,
    targetType: 'run',
    targetId: runId,
    edgeType: 'executed',
    context: '',
    createdAtMs: nowMs,
    createdBy: run?.userId ?? null,
  })
}
