import type { LineageEdge, LineageGraph, LineageNode } from '@provena/contract'
import { describe, expect, it } from 'vitest'
import { type DrawnEdge, edgeLabel, keepNodeTypes, lineageRefs, mergeLineageGraphs, pageOfNode } from './lineage-graph'

const RUN = 'a'.repeat(32)

function node(key: string, depth = 0): LineageNode {
  const [type = 'run', id = key] = key.split(':')
  return { key, type: type as LineageNode['type'], id, label: id, ref: `ref-of-${id}`, depth, properties: {} }
}

function edge(source: string, target: string, type: LineageEdge['type'] = 'input', context = ''): LineageEdge {
  return { source, target, type, context, createdAtMs: 1 }
}

function drawn(source: string, target: string, type: LineageEdge['type'] = 'input', context = ''): DrawnEdge {
  return { source, target, kind: type, label: edgeLabel({ type, context }) }
}

describe('merging the neighbourhoods of opened nodes into the graph', () => {
  it('keeps each node and edge once, in the order first seen, with the depth it has in the first graph', () => {
    const base: LineageGraph = {
      roots: ['run:r1'],
      nodes: [node('run:r1'), node('dataset_version:d1', 1)],
      edges: [edge('dataset_version:d1', 'run:r1', 'input', 'training')],
      truncated: true,
    }
    const opened: LineageGraph = {
      roots: ['dataset_version:d1'],
      nodes: [node('dataset_version:d1'), node('run:r1', 1), node('run:r2', 1)],
      edges: [edge('dataset_version:d1', 'run:r1', 'input', 'training'), edge('dataset_version:d1', 'run:r2')],
      truncated: true,
    }
    expect(mergeLineageGraphs(base, [{ ref: 'ref-of-d1', graph: opened }])).toEqual({
      roots: ['run:r1'],
      nodes: [node('run:r1'), node('dataset_version:d1', 1), node('run:r2', 1)],
      edges: [drawn('dataset_version:d1', 'run:r1', 'input', 'training'), drawn('dataset_version:d1', 'run:r2')],
    })
  })

  it('keeps two edges between the same nodes that differ in context', () => {
    const base: LineageGraph = {
      roots: ['run:r1'],
      nodes: [node('run:r1'), node('dataset_version:d1', 1)],
      edges: [edge('dataset_version:d1', 'run:r1', 'input', 'training')],
      truncated: false,
    }
    const opened = { ...base, edges: [edge('dataset_version:d1', 'run:r1', 'input', 'validation')] }
    const labels = mergeLineageGraphs(base, [{ ref: 'ref-of-d1', graph: opened }]).edges.map((e) => e.label)
    expect(labels).toEqual(['input: training', 'input: validation'])
  })

  it('draws no edge to a node that is not in the graph', () => {
    const base: LineageGraph = {
      roots: ['run:r1'],
      nodes: [node('run:r1')],
      edges: [edge('dataset_version:gone', 'run:r1')],
      truncated: false,
    }
    expect(mergeLineageGraphs(base, []).edges).toEqual([])
  })

  it("keeps two answers' hidden nodes apart: the server numbers them from 1 in each answer", () => {
    const hidden = { ...node('hidden:1', 1), type: 'run' as const, id: '', label: 'hidden', ref: '' }
    const base: LineageGraph = {
      roots: ['dataset_version:d1'],
      nodes: [node('dataset_version:d1'), hidden],
      edges: [edge('dataset_version:d1', 'hidden:1')],
      truncated: false,
    }
    const opened: LineageGraph = {
      roots: ['model_version:m1'],
      nodes: [node('model_version:m1'), hidden],
      edges: [edge('hidden:1', 'model_version:m1', 'output')],
      truncated: false,
    }
    const merged = mergeLineageGraphs(base, [{ ref: 'models:/m/1', graph: opened }])
    expect(merged.nodes.map((n) => n.key)).toEqual([
      'dataset_version:d1',
      'hidden:1',
      'model_version:m1',
      'hidden:models:/m/1:1',
    ])
    expect(merged.edges).toEqual([
      drawn('dataset_version:d1', 'hidden:1'),
      drawn('hidden:models:/m/1:1', 'model_version:m1', 'output'),
    ])
  })
})

describe('showing only some node types', () => {
  // customers@1 -> train -> base v1 -> fine-tune -> tuned v1, and a commit executed by both runs.
  const pipeline = mergeLineageGraphs(
    {
      roots: ['dataset_version:d1'],
      nodes: [
        node('dataset_version:d1'),
        node('run:train', 1),
        node('code_version:c1', 2),
        node('model_version:base', 2),
        node('run:tune', 3),
        node('model_version:tuned', 4),
      ],
      edges: [
        edge('dataset_version:d1', 'run:train', 'input', 'training'),
        edge('code_version:c1', 'run:train', 'executed'),
        edge('code_version:c1', 'run:tune', 'executed'),
        edge('run:train', 'model_version:base', 'output'),
        edge('model_version:base', 'run:tune', 'input', 'fine-tuning'),
        edge('run:tune', 'model_version:tuned', 'output'),
      ],
      truncated: false,
    },
    [],
  )

  it('joins the shown nodes through the hidden ones with edges that say what they went through', () => {
    const shown = keepNodeTypes(pipeline, ['dataset_version', 'model_version'])
    expect(shown.nodes.map((n) => n.key)).toEqual(['dataset_version:d1', 'model_version:base', 'model_version:tuned'])
    expect(shown.edges).toEqual([
      { source: 'dataset_version:d1', target: 'model_version:base', kind: 'via', label: 'via run' },
      { source: 'model_version:base', target: 'model_version:tuned', kind: 'via', label: 'via run' },
    ])
  })

  it('always shows the roots, and draws no via edge to itself', () => {
    const shown = keepNodeTypes(pipeline, ['model_version'])
    expect(shown.nodes.map((n) => n.key)).toEqual(['dataset_version:d1', 'model_version:base', 'model_version:tuned'])
    expect(shown.edges.map((e) => `${e.source} ${e.label} ${e.target}`)).toEqual([
      'dataset_version:d1 via run model_version:base',
      'model_version:base via run model_version:tuned',
    ])
  })

  it('names every type a path goes through', () => {
    const viaExternal = mergeLineageGraphs(
      {
        roots: ['dataset_version:d1'],
        nodes: [node('dataset_version:d1'), node('run:r', 1), node('external:x', 2), node('model_version:m', 3)],
        edges: [
          edge('dataset_version:d1', 'run:r'),
          edge('run:r', 'external:x', 'output'),
          edge('external:x', 'model_version:m', 'output'),
        ],
        truncated: false,
      },
      [],
    )
    expect(keepNodeTypes(viaExternal, ['dataset_version', 'model_version']).edges).toEqual([
      { source: 'dataset_version:d1', target: 'model_version:m', kind: 'via', label: 'via run, external' },
    ])
  })

  it('returns the graph itself when every type is shown', () => {
    expect(keepNodeTypes(pipeline, ['dataset_version', 'run', 'model_version', 'code_version', 'external'])).toBe(
      pipeline,
    )
  })
})

describe('the page a node links to', () => {
  it('is the run, model version or dataset version page, with names that need encoding', () => {
    expect(pageOfNode({ type: 'run', ref: lineageRefs.run(RUN) })).toBe(`/runs/${RUN}`)
    expect(pageOfNode({ type: 'model_version', ref: lineageRefs.modelVersion('churn classifier', 2) })).toBe(
      '/models/churn%20classifier/2',
    )
    expect(pageOfNode({ type: 'dataset_version', ref: lineageRefs.datasetVersion('customers.v2', 13) })).toBe(
      '/datasets/customers.v2/13',
    )
  })

  it('is none for code versions, external nodes and refs without a version', () => {
    expect(pageOfNode({ type: 'code_version', ref: `code:/${'b'.repeat(40)}` })).toBeUndefined()
    expect(pageOfNode({ type: 'external', ref: 'external:/airflow/jobs/daily' })).toBeUndefined()
    expect(pageOfNode({ type: 'model_version', ref: 'models:/churn@production' })).toBeUndefined()
    expect(pageOfNode({ type: 'dataset_version', ref: 'datasets:/customers' })).toBeUndefined()
  })
})

describe('edge labels', () => {
  it('say the type, and the context of an input when there is one', () => {
    expect(edgeLabel(edge('a', 'b', 'input', 'fine-tuning'))).toBe('input: fine-tuning')
    expect(edgeLabel(edge('a', 'b', 'output'))).toBe('output')
    expect(edgeLabel(edge('a', 'b', 'executed'))).toBe('executed')
  })
})
