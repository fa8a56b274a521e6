import {
  type ModelCard,
  type ModelCardFields,
  NotFoundError,
  PermissionDeniedError,
  type Run,
  type RunDatasetsResponse,
  type UpdateModelCardBody,
} from '@provena/contract'
import type { Store } from '../../storage/store.js'
import type { AuditLog } from '../audit/audit-log.js'
import type { Authorizer } from '../auth/authorizer.js'
import { actorName, type RequestContext } from '../auth/principal.js'
import type { Clock } from '../clock.js'
import { findAuthorizedVersion } from './model-access.js'

interface Deps {
  store: Store
  clock: Clock
  audit: AuditLog
  authorizer: Authorizer
  getRun: (ctx: RequestContext, runId: string) => Promise<Run>
  runDatasets: (ctx: RequestContext, runId: string) => Promise<RunDatasetsResponse>
}

const EMPTY_FIELDS: ModelCardFields = {
  intendedUse: null,
  outOfScopeUse: null,
  limitations: null,
  ethicalConsiderations: null,
  owners: [],
  markdown: null,
}

export type ModelCards = ReturnType<typeof createModelCards>

export function createModelCards({ store, clock, audit, authorizer, getRun, runDatasets }: Deps) {
  /** The run's part of the card, as far as the caller may read the run (else empty: nothing leaks). */
  async function fromRun(ctx: RequestContext, runId: string | null) {
    if (runId === null) return { trainingData: [], evaluation: [] }
    try {
      const [run, datasets] = await Promise.all([getRun(ctx, runId), runDatasets(ctx, runId)])
      return {
        trainingData: datasets.inputs.map((link) => ({
          dataset: `${link.datasetVersion.datasetName}@${link.datasetVersion.version}`,
          context: link.context ?? '',
          digest: link.datasetVersion.digest,
          rowCount: link.datasetVersion.rowCount,
          source: link.datasetVersion.source,
        })),
        evaluation: run.metrics.map((m) => ({ key: m.key, value: m.value, step: m.step })),
      }
    } catch (error) {
      if (error instanceof NotFoundError || error instanceof PermissionDeniedError)
        return { trainingData: [], evaluation: [] }
      throw error
    }
  }

  async function card(ctx: RequestContext, tx: Store, name: string, number: number): Promise<ModelCard> {
    const { version } = await findAuthorizedVersion(tx, authorizer, ctx, name, number, 'READ')
    const written = await tx.models.findCard(version.id)
    return {
      modelName: name,
      version: number,
      digest: version.digest,
      source: version.source,
      ...(written?.fields ?? EMPTY_FIELDS),
      ...(await fromRun(ctx, version.runId)),
      updatedAtMs: written?.updatedAtMs ?? null,
      updatedBy: written?.updatedBy ?? null,
    }
  }

  return {
    get: (ctx: RequestContext, name: string, version: number) => card(ctx, store, name, version),

    /** Changes the written parts (EDIT); training data and evaluation always come from the run. */
    async update(ctx: RequestContext, name: string, number: number, patch: UpdateModelCardBody): Promise<ModelCard> {
      await store.transaction(async (tx) => {
        const { version } = await findAuthorizedVersion(tx, authorizer, ctx, name, number, 'EDIT')
        const before = (await tx.models.findCard(version.id))?.fields ?? EMPTY_FIELDS
        const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined))
        const after: ModelCardFields = { ...before, ...defined }
        await tx.models.saveCard(version.id, after, clock.nowMs(), actorName(ctx.principal).actor)
        await audit.record(tx, ctx, {
          action: 'model_version.card_update',
          objectType: 'registered_model',
          objectId: name,
          before: { version: number, ...before },
          after: { version: number, ...after },
        })
      })
      return card(ctx, store, name, number)
    },
  }
}

/** The card as a markdown document: the sections of a model card, the automatic ones marked as such. */
export function modelCardMarkdown(card: ModelCard): string {
  const section = (title: string, body: string | null) => `## ${title}\n\n${body?.trim() || '_Not written yet._'}\n`
  const data =
    card.trainingData.length === 0
      ? '_No dataset inputs recorded for the source run._'
      : card.trainingData
          .map(
            (d) =>
              `- \`${d.dataset}\` (${d.context || 'input'}): ${d.rowCount ?? '?'} rows, digest \`${d.digest}\`, from ${d.source}`,
          )
          .join('\n')
  const evaluation =
    card.evaluation.length === 0
      ? '_No metrics recorded for the source run._'
      : [
          '| metric | value | step |',
          '|---|---|---|',
          ...card.evaluation.map((m) => `| ${m.key} | ${m.value} | ${m.step} |`),
        ].join('\n')
  return [
    `# Model card: ${card.modelName} version ${card.version}\n`,
    `Source: \`${card.source}\` · digest \`${card.digest}\`${card.updatedBy ? ` · last edited by ${card.updatedBy} at ${new Date(card.updatedAtMs ?? 0).toISOString()}` : ''}\n`,
    section('Owners', card.owners.length === 0 ? null : card.owners.map((o) => `- ${o}`).join('\n')),
    section('Intended use', card.intendedUse),
    section('Out-of-scope use', card.outOfScopeUse),
    `## Training data (from the source run)\n\n${data}\n`,
    `## Evaluation (from the source run)\n\n${evaluation}\n`,
    section('Limitations', card.limitations),
    section('Ethical considerations', card.ethicalConsiderations),
    ...(card.markdown?.trim() ? [`## Notes\n\n${card.markdown.trim()}\n`] : []),
  ].join('\n')
}
