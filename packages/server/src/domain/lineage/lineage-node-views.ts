import { type LineageNode, NotFoundError, PermissionDeniedError } from '@provena/contract'
import type { LineageNodeId } from '../../storage/db/lineage-repository.js'
import type { Store } from '../../storage/store.js'
import type { Authorizer } from '../auth/authorizer.js'
import { isAdmin, type RequestContext } from '../auth/principal.js'

/** A node as the caller may see it, before its key and depth are set. */
export type NodeView = Omit<LineageNode, 'key' | 'depth'> & { isHidden: boolean; aliases: AliasView[] }
interface AliasView {
  alias: string
  isProtected: boolean
}

/** The short name of a repository URL: `https://github.com/acme/churn.git` -> `churn`. */
function repoName(url: string | null): string | null {
  if (url === null) return null
  const last = url
    .replace(/\/+$/, '')
    .split(/[/:]/)
    .at(-1)
    ?.replace(/\.git$/, '')
  return last === undefined || last === '' ? null : last
}

/**
 * Reads every node of a walk and decides, per node, whether the caller may see it: a run through
 * its experiment, a dataset version through its dataset, a model version through its registered
 * model (READ each), an external node when signed in, a code version when the caller can read at
 * least one run that executed it. What the caller may not see becomes a hidden node: its type
 * only, no id, name or properties. Nodes that no longer exist (a deleted model version) are left out.
 */
export function createNodeViews(store: Store, authorizer: Authorizer, ctx: RequestContext) {
  const admin = isAdmin(ctx.principal)
  const decided = new Map<string, Promise<boolean>>()

  function mayRead(type: 'experiment' | 'dataset' | 'registered_model', id: string): Promise<boolean> {
    if (admin) return Promise.resolve(true)
    const key = `${type}:${id}`
    let answer = decided.get(key)
    if (!answer) {
      answer = authorizer.require(store, ctx.principal, { type, id }, 'READ').then(
        () => true,
        (error: unknown) => {
          if (error instanceof NotFoundError || error instanceof PermissionDeniedError) return false
          throw error
        },
      )
      decided.set(key, answer)
    }
    return answer
  }

  async function codeVersionReadable(commit: string): Promise<boolean> {
    if (admin) return true
    // By experiment, not by run: a commit that thousands of runs executed is read in one query.
    for (const experimentId of await store.lineageNodes.experimentsExecuting(commit)) {
      if (await mayRead('experiment', experimentId)) return true
    }
    return false
  }

  const hidden = (type: LineageNode['type']): NodeView => ({
    type,
    id: '',
    label: 'hidden',
    ref: '',
    properties: {},
    isHidden: true,
    aliases: [],
  })

  return {
    mayRead,
    codeVersionReadable,

    /** The views of the nodes, by `<type>:<id>`. */
    async describe(nodes: LineageNodeId[]): Promise<Map<string, NodeView>> {
      const ids = (type: LineageNodeId['type']) => nodes.filter((n) => n.type === type).map((n) => n.id)
      const views = new Map<string, NodeView>()
      for (const run of await store.lineageNodes.runs(ids('run'))) {
        views.set(
          `run:${run.id}`,
          (await mayRead('experiment', run.experimentId))
            ? {
                type: 'run',
                id: run.id,
                label: run.name,
                ref: `runs:/${run.id}`,
                properties: {
                  name: run.name,
                  status: run.status,
                  experimentId: run.experimentId,
                  lifecycle: run.lifecycle,
                  startTimeMs: String(run.startTimeMs),
                  ...(run.endTimeMs === null ? {} : { endTimeMs: String(run.endTimeMs) }),
                  user: run.userId,
                },
                isHidden: false,
                aliases: [],
              }
            : hidden('run'),
        )
      }
      for (const v of await store.lineageNodes.datasetVersions(ids('dataset_version'))) {
        views.set(
          `dataset_version:${v.id}`,
          (await mayRead('dataset', v.datasetName))
            ? {
                type: 'dataset_version',
                id: v.id,
                label: `${v.datasetName}@${v.version}`,
                ref: `datasets:/${v.datasetName}@${v.version}`,
                properties: {
                  dataset: v.datasetName,
                  version: String(v.version),
                  digest: v.digest,
                  format: v.format,
                  ...(v.rowCount === null ? {} : { rowCount: String(v.rowCount) }),
                },
                isHidden: false,
                aliases: [],
              }
            : hidden('dataset_version'),
        )
      }
      for (const v of await store.lineageNodes.modelVersions(ids('model_version'))) {
        const view: NodeView = (await mayRead('registered_model', v.modelName))
          ? {
              type: 'model_version',
              id: v.id,
              label: `${v.modelName} v${v.version}`,
              ref: `models:/${v.modelName}/${v.version}`,
              properties: {
                model: v.modelName,
                version: String(v.version),
                status: v.status,
                stage: v.stage,
                digest: v.digest,
                aliases: v.aliases.map((a) => a.alias).join(','),
                protectedAliases: v.aliases
                  .filter((a) => a.isProtected)
                  .map((a) => a.alias)
                  .join(','),
              },
              isHidden: false,
              aliases: v.aliases,
            }
          : { ...hidden('model_version'), aliases: v.aliases }
        views.set(`model_version:${v.id}`, view)
      }
      for (const c of await store.lineageNodes.codeVersions(ids('code_version'))) {
        const repo = repoName(c.repoUrl)
        views.set(
          `code_version:${c.commitHash}`,
          (await codeVersionReadable(c.commitHash))
            ? {
                type: 'code_version',
                id: c.commitHash,
                label: `${repo === null ? '' : `${repo}@`}${c.commitHash.slice(0, 7)}`,
                ref: `code:/${c.commitHash}`,
                properties: { commit: c.commitHash, ...(c.repoUrl === null ? {} : { repoUrl: c.repoUrl }) },
                isHidden: false,
                aliases: [],
              }
            : hidden('code_version'),
        )
      }
      for (const x of await store.lineageNodes.externalNodes(ids('external'))) {
        views.set(`external:${x.id}`, {
          type: 'external',
          id: x.id,
          label: `${x.namespace}/${x.name}`,
          ref: `external:/${x.namespace}/${x.name}`,
          properties: {
            ...x.properties,
            namespace: x.namespace,
            name: x.name,
            ...(x.description === null ? {} : { description: x.description }),
          },
          isHidden: false,
          aliases: [],
        })
      }
      return views
    },
  }
}
