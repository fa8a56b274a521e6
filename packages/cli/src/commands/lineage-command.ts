import {
  type LineageDirection,
  type LineageEdge,
  type LineageGraph,
  type LineageNode,
  LineageNodeType,
  MAX_LINEAGE_DEPTH,
} from '@provena/contract'
import { type Command, Option } from 'commander'
import { CliError } from '../cli-error.js'
import type { CliIo } from '../cli-io.js'
import { addClientOptions, withClient } from '../client.js'
import type { ClientFlags } from '../config.js'
import { formatJson } from '../output/format.js'
import { examples } from './help-text.js'
import { collect, parsePositiveInt } from './option-parsers.js'

interface LineageFlags extends ClientFlags {
  upstream?: boolean
  downstream?: boolean
  both?: boolean
  depth?: number
  type?: string[]
  alias?: 'any' | 'protected'
  format: 'text' | 'json' | 'dot' | 'prov' | 'openlineage'
}

const REF_HELP =
  'runs:/<id>, models:/<name>/<version>, models:/<name>@<alias>, datasets:/<name>@<version>, datasets:/<name> (every version), code:/<commit> or external:/<namespace>/<name>'

function nodeLine(node: LineageNode): string {
  if (node.id === '') return `(hidden ${node.type.replace('_', ' ')})`
  return `${node.label}  [${node.type}]  ${node.ref}`
}

function edgeLabel(edge: LineageEdge): string {
  return edge.context === '' ? edge.type : `${edge.type} (${edge.context})`
}

/**
 * The graph as an indented tree from each root: upstream shows what each node came from (`←`),
 * downstream what was made from it (`→`). A node met again is named, not expanded twice; nodes
 * the type filter left unconnected are listed after the tree.
 */
function formatLineageTree(graph: LineageGraph, direction: LineageDirection): string {
  const byKey = new Map(graph.nodes.map((n) => [n.key, n]))
  const lines: string[] = []
  const expanded = new Set<string>()
  const neighbours = (key: string) => [
    ...(direction !== 'downstream'
      ? graph.edges.filter((e) => e.target === key).map((e) => ({ key: e.source, arrow: `← ${edgeLabel(e)}` }))
      : []),
    ...(direction !== 'upstream'
      ? graph.edges.filter((e) => e.source === key).map((e) => ({ key: e.target, arrow: `→ ${edgeLabel(e)}` }))
      : []),
  ]
  const visit = (key: string, prefix: string) => {
    expanded.add(key)
    const next = neighbours(key)
    next.forEach((child, index) => {
      const isLast = index === next.length - 1
      const node = byKey.get(child.key)
      if (!node) return
      const seen = expanded.has(child.key)
      lines.push(`${prefix}${isLast ? '└─' : '├─'} ${child.arrow}: ${nodeLine(node)}${seen ? '  (shown above)' : ''}`)
      if (!seen) visit(child.key, `${prefix}${isLast ? '   ' : '│  '}`)
    })
  }
  for (const root of graph.roots) {
    const node = byKey.get(root)
    if (!node) continue
    lines.push(nodeLine(node))
    visit(root, '')
  }
  const unconnected = graph.nodes.filter((n) => !expanded.has(n.key) && !graph.roots.includes(n.key))
  if (unconnected.length > 0) {
    lines.push('', `Reached (${unconnected.length}, edges between them not shown: filtered by type):`)
    for (const node of unconnected) lines.push(`  ${nodeLine(node)}  (${node.depth} edges away)`)
  }
  if (graph.truncated) lines.push('', 'More lies beyond the depth limit: raise --depth to see it.')
  return `${lines.join('\n')}\n`
}

function directionOf(options: LineageFlags): LineageDirection {
  const chosen = [options.upstream && 'upstream', options.downstream && 'downstream', options.both && 'both'].filter(
    (d): d is LineageDirection => typeof d === 'string',
  )
  if (chosen.length > 1) throw new CliError('give one of --upstream, --downstream and --both')
  return chosen[0] ?? 'upstream'
}

function typesOf(options: LineageFlags) {
  return options.type?.map((t) => {
    const parsed = LineageNodeType.safeParse(t)
    if (!parsed.success) throw new CliError(`unknown node type '${t}': use ${LineageNodeType.options.join(', ')}`)
    return parsed.data
  })
}

/** `provena lineage <ref>`: the lineage graph around a run, model version, dataset, commit or external node. */
export function registerLineageCommand(program: Command, io: CliIo): void {
  const command = program
    .command('lineage')
    .description('where a run, model version or dataset version came from (upstream) and what was made from it')
    .argument('<ref>', REF_HELP)
    .option('--upstream', 'what the node came from (the default)')
    .option('--downstream', 'what was made from the node')
    .option('--both', 'both ways from the node')
    .option('--depth <n>', `edges to follow, 1..${MAX_LINEAGE_DEPTH} (default 10)`, parsePositiveInt)
    .option(
      '--type <type>',
      `keep only these node types besides the root (repeat): ${LineageNodeType.options.join(', ')}`,
      collect,
    )
    .addOption(
      new Option('--alias <which>', 'keep only model versions behind an alias, or a protected alias').choices([
        'any',
        'protected',
      ]),
    )
    .addOption(
      new Option('--format <format>', 'text (a tree), json, or an export of the upstream graph')
        .choices(['text', 'json', 'dot', 'prov', 'openlineage'])
        .default('text'),
    )
    .addHelpText(
      'after',
      examples(
        'provena lineage models:/churn@champion',
        'provena lineage datasets:/churn --downstream --type model_version',
        'provena lineage datasets:/churn@3 --downstream --type model_version --alias protected',
        'provena lineage models:/churn/4 --format dot | dot -Tsvg > churn.svg',
        'provena lineage runs:/5f0c3d2e9a8b4c7d8e1f2a3b4c5d6e7f --format openlineage',
      ),
    )
  addClientOptions(command).action(async (ref: string, options: LineageFlags) => {
    const direction = directionOf(options)
    if (options.format === 'dot' || options.format === 'prov' || options.format === 'openlineage') {
      if (direction !== 'upstream') throw new CliError(`--format ${options.format} exports the upstream graph only`)
      const exported = await withClient(options, io.env, (c) =>
        c.lineage.export(ref, options.format as 'dot' | 'prov' | 'openlineage', { depth: options.depth }),
      )
      return void io.stdout.write(exported.endsWith('\n') ? exported : `${exported}\n`)
    }
    const graph = await withClient(options, io.env, (c) =>
      c.lineage.get(ref, { direction, depth: options.depth, types: typesOf(options), alias: options.alias }),
    )
    io.stdout.write(options.format === 'json' ? formatJson(graph) : formatLineageTree(graph, direction))
  })
}
