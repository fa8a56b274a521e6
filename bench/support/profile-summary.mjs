// Prints where a V8 CPU profile spent its time: `node bench/support/profile-summary.mjs <file.cpuprofile> [top]`.
// Self time by function, and total (inclusive) time by package or source file.
import { readFileSync } from 'node:fs'

const [file, topArg = '30'] = process.argv.slice(2)
if (!file) {
  console.error('usage: node bench/support/profile-summary.mjs <file.cpuprofile> [top]')
  process.exit(1)
}
const profile = JSON.parse(readFileSync(file, 'utf8'))
const top = Number(topArg)
const byId = new Map(profile.nodes.map((node) => [node.id, node]))
const selfUs = new Map()
const deltas = profile.timeDeltas
profile.samples.forEach((id, i) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i] ?? 0))
})
const totalUs = deltas.reduce((a, b) => a + b, 0)

function where(node) {
  const { functionName, url, lineNumber } = node.callFrame
  const short = url
    .replace(/^file:\/\//, '')
    .replace(/.*node_modules\//, '')
    .replace(/.*\/packages\//, 'packages/')
  return `${functionName || '(anonymous)'} ${short}:${lineNumber + 1}`
}
function area(node) {
  const { url, functionName } = node.callFrame
  if (!url) return functionName.startsWith('(') ? functionName : '(native)'
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg) return pkg[1]
  const own = /\/packages\/([^/]+\/(?:src|dist)\/.*)$/.exec(url)
  return own ? own[1] : url.replace(/^node:/, 'node:')
}

const selfByFunction = new Map()
for (const [id, us] of selfUs) {
  const key = where(byId.get(id))
  selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + us)
}
const pct = (us) => `${((100 * us) / totalUs).toFixed(1).padStart(5)}%`
console.log(`total ${(totalUs / 1e6).toFixed(1)} s sampled\n\nself time by function:`)
for (const [key, us] of [...selfByFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${key}`)

// Inclusive time per area: a sample counts once for every area on its stack.
const parent = new Map()
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
const inclusive = new Map()
for (const [id, us] of selfUs) {
  const seen = new Set()
  for (let at = id; at !== undefined; at = parent.get(at)) seen.add(area(byId.get(at)))
  for (const key of seen) inclusive.set(key, (inclusive.get(key) ?? 0) + us)
}
console.log('\ninclusive time by package or file:')
for (const [key, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${key}`)
