import {
  ConflictError,
  type CreateExternalNodeBody,
  type ExternalNode,
  InvalidInputError,
  type LineageEdge,
  type LineageEdgeBody,
  type LineageRef,
  NotFoundError,
  type RunModelInput,
} from '@provena/contract'
import type { ExternalNodeRecord } from '../../storage/db/lineage-nodes-repository.js'
import type { LineageNodeId, LineageEdge as StoredEdge } from '../../storage/db/lineage-repository.js'
import type { Store } from '../../storage/store.js'
import type { AuditLog } from '../audit/audit-log.js'
import type { Authorizer } from '../auth/authorizer.js'
import type { RequestContext } from '../auth/principal.js'
import type { Clock, IdGenerator } from '../clock.js'
import { creatorName, findReadableDataset } from '../datasets/dataset-access.js'
import { findAuthorizedModel } from '../registry/model-access.js'
import { findAuthorizedRun } from '../runs/runs-service.js'
import { lineageRefOf, resolveLineageRef } from './lineage-refs.js'

interface Deps {
  store: Store
  clock: Clock
  ids: IdGenerator
  audit: AuditLog
  authorizer: Authorizer
}

export type LineageEditsService = ReturnType<typeof createLineageEditsService>

function toExternalNode(record: ExternalNodeRecord): ExternalNode {
  return { ...record, ref: `external:/${record.namespace}/${record.name}` }
}

const keyOf = (node: LineageNodeId) => `${node.type}:${node.id}`

/**
 * The lineage a client states rather than Provena records on its own: model versions a run used,
 * nodes for systems outside Provena, and edges to and from them.
 *
 * Rules: any signed-in user may add an external node (it holds no data of Provena's). An edge
 * added through the API must have an external node at one end at least; whoever adds or removes it
 * must be able to edit the Provena object at the other end (EDIT on the run's experiment, the
 * dataset or the registered model); a code version or a second external node at the other end
 * needs an admin or only a signed-in user respectively. Removing an external node (and its edges)
 * is for an admin or the user who added it.
 */
export function createLineageEditsService({ store, clock, ids, audit, authorizer }: Deps) {
  /** Checks the caller may edit the Provena side of an edge, and returns the node. */
  async function editableEnd(tx: Store, ctx: RequestContext, ref: LineageRef): Promise<LineageNodeId> {
    switch (ref.kind) {
      case 'run': {
        const run = await findAuthorizedRun(tx, authorizer, ctx, ref.runId, 'EDIT')
        if (run.lifecycle === 'deleted') throw new ConflictError(`run ${ref.runId} is deleted; restore it first`)
        break
      }
      case 'dataset_version':
        await findReadableDataset(tx, authorizer, ctx, ref.name, 'EDIT')
        break
      case 'model_version':
      case 'model_alias':
        await findAuthorizedModel(tx, authorizer, ctx, ref.name, 'EDIT')
        break
      case 'code_version':
        authorizer.requireAdmin(ctx.principal)
        break
      case 'dataset':
        throw new InvalidInputError('an edge joins one dataset version: use datasets:/<name>@<version>')
      case 'external':
        break
    }
    const [node] = await resolveLineageRef(tx, authorizer, ctx, ref)
    if (!node) throw new NotFoundError('lineage node', JSON.stringify(ref))
    return node
  }

  /** Both ends of an API edge, checked (one external end; the caller may edit the other). */
  async function edgeEnds(tx: Store, ctx: RequestContext, body: { source: string; target: string }) {
    const sourceRef = lineageRefOf(body.source)
    const targetRef = lineageRefOf(body.target)
    if (sourceRef.kind !== 'external' && targetRef.kind !== 'external') {
      throw new InvalidInputError(
        'an edge added through the API needs an external node at one end; Provena records edges between its own objects itself',
      )
    }
    const source = await editableEnd(tx, ctx, sourceRef)
    const target = await editableEnd(tx, ctx, targetRef)
    if (keyOf(source) === keyOf(target)) throw new InvalidInputError('an edge cannot join a node to itself')
    return { source, target }
  }

  function toContractEdge(edge: StoredEdge): LineageEdge {
    return {
      source: `${edge.sourceType}:${edge.sourceId}`,
      target: `${edge.targetType}:${edge.targetId}`,
      type: edge.edgeType,
      context: edge.context,
      createdAtMs: edge.createdAtMs,
    }
  }

  return {
    /** Records that the run used a model version (fine-tuning, distillation, evaluation): model_version --input--> run. */
    async logModelInput(
      ctx: RequestContext,
      runId: string,
      input: { model: string; context: string },
    ): Promise<RunModelInput> {
      const ref = lineageRefOf(input.model)
      if (ref.kind !== 'model_version' && ref.kind !== 'model_alias') {
        throw new InvalidInputError(`'${input.model}' is not models:/<name>/<version> or models:/<name>@<alias>`)
      }
      return store.transaction(async (tx) => {
        const run = await findAuthorizedRun(tx, authorizer, ctx, runId, 'EDIT')
        if (run.lifecycle === 'deleted') throw new ConflictError(`run ${runId} is deleted; restore it first`)
        // An alias is resolved now: the edge names the version the run used, wherever the alias moves later.
        const [node] = await resolveLineageRef(tx, authorizer, ctx, ref)
        const [version] = await tx.lineageNodes.modelVersions(node ? [node.id] : [])
        if (!node || !version) throw new NotFoundError(`model version ${input.model} not found`)
        const edge: StoredEdge = {
          sourceType: 'model_version',
          sourceId: version.id,
          targetType: 'run',
          targetId: runId,
          edgeType: 'input',
          context: input.context,
          createdAtMs: clock.nowMs(),
          createdBy: creatorName(ctx),
        }
        const stored = (await tx.lineage.addEdge(edge)) ? edge : ((await tx.lineage.findEdge(edge)) ?? edge)
        if (stored === edge) {
          await audit.record(tx, ctx, {
            action: 'run.log_model_input',
            objectType: 'run',
            objectId: runId,
            after: {
              model: `${version.modelName}/${version.version}`,
              modelVersionId: version.id,
              context: input.context,
            },
          })
        }
        return {
          name: version.modelName,
          version: version.version,
          modelVersionId: version.id,
          context: stored.context,
          createdAtMs: stored.createdAtMs,
        }
      })
    },

    async createExternalNode(ctx: RequestContext, input: CreateExternalNodeBody): Promise<ExternalNode> {
      authorizer.requireSignedIn(ctx.principal)
      return store.transaction(async (tx) => {
        const record: ExternalNodeRecord = {
          id: ids.objectId(),
          namespace: input.namespace,
          name: input.name,
          description: input.description ?? null,
          properties: input.properties ?? {},
          createdAtMs: clock.nowMs(),
          createdBy: creatorName(ctx),
        }
        if (!(await tx.lineageNodes.insertExternalNode(record))) {
          throw new ConflictError(`external node ${input.namespace}/${input.name} exists already`)
        }
        const node = toExternalNode(record)
        await audit.record(tx, ctx, {
          action: 'lineage.external_node.create',
          objectType: 'external_node',
          objectId: node.ref,
          after: node,
        })
        return node
      })
    },

    async getExternalNode(ctx: RequestContext, namespace: string, name: string): Promise<ExternalNode> {
      authorizer.requireSignedIn(ctx.principal)
      const node = await store.lineageNodes.findExternalNode(namespace, name)
      if (!node) throw new NotFoundError(`external node ${namespace}/${name} not found`)
      return toExternalNode(node)
    },

    /** Removes the node and every edge at it (an admin, or the user who added it). */
    async deleteExternalNode(ctx: RequestContext, namespace: string, name: string): Promise<void> {
      authorizer.requireSignedIn(ctx.principal)
      await store.transaction(async (tx) => {
        const node = await tx.lineageNodes.findExternalNode(namespace, name)
        if (!node) throw new NotFoundError(`external node ${namespace}/${name} not found`)
        if (node.createdBy !== creatorName(ctx)) authorizer.requireAdmin(ctx.principal)
        const edges = [
          ...(await tx.lineage.edgesFrom('external', node.id)),
          ...(await tx.lineage.edgesTo('external', node.id)),
        ]
        await tx.lineage.deleteEdgesOf({ type: 'external', id: node.id })
        await tx.lineageNodes.deleteExternalNode(node.id)
        await audit.record(tx, ctx, {
          action: 'lineage.external_node.delete',
          objectType: 'external_node',
          objectId: `external:/${namespace}/${name}`,
          before: { ...toExternalNode(node), edges: edges.map(toContractEdge) },
        })
      })
    },

    /** Adds an edge with an external end; `created` is false when the same edge was there already. */
    async addEdge(ctx: RequestContext, body: LineageEdgeBody): Promise<{ edge: LineageEdge; created: boolean }> {
      return store.transaction(async (tx) => {
        const { source, target } = await edgeEnds(tx, ctx, body)
        const edge: StoredEdge = {
          sourceType: source.type,
          sourceId: source.id,
          targetType: target.type,
          targetId: target.id,
          edgeType: body.type,
          context: body.context ?? '',
          createdAtMs: clock.nowMs(),
          createdBy: creatorName(ctx),
        }
        if (!(await tx.lineage.addEdge(edge))) {
          return { edge: toContractEdge((await tx.lineage.findEdge(edge)) ?? edge), created: false }
        }
        await audit.record(tx, ctx, {
          action: 'lineage.edge.add',
          objectType: 'lineage_edge',
          objectId: null,
          after: { source: body.source, target: body.target, type: edge.edgeType, context: edge.context },
        })
        return { edge: toContractEdge(edge), created: true }
      })
    },

    /** Removes an edge with an external end (the same rights as adding it). */
    async deleteEdge(ctx: RequestContext, body: LineageEdgeBody): Promise<void> {
      await store.transaction(async (tx) => {
        const { source, target } = await edgeEnds(tx, ctx, body)
        const removed = await tx.lineage.deleteEdge({
          sourceType: source.type,
          sourceId: source.id,
          targetType: target.type,
          targetId: target.id,
          edgeType: body.type,
          context: body.context ?? '',
        })
        if (!removed) throw new NotFoundError(`no ${body.type} edge from ${body.source} to ${body.target}`)
        await audit.record(tx, ctx, {
          action: 'lineage.edge.delete',
          objectType: 'lineage_edge',
          objectId: null,
          before: { source: body.source, target: body.target, type: body.type, context: body.context ?? '' },
        })
      })
    },
  }
}
