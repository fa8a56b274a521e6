// `npm run bench -- <name> [args]`: builds the workspace, then runs bench/<name>.mjs with the
// remaining arguments. Without a name it lists the benchmarks and what each measures.
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const benchDir = path.join(root, 'bench')
const benchmarks = readdirSync(benchDir)
  .filter((file) => file.endsWith('.mjs'))
  .map((file) => file.slice(0, -'.mjs'.length))
  .sort()

function summaryOf(name) {
  const firstLine = readFileSync(path.join(benchDir, `${name}.mjs`), 'utf8').split('\n')[0] ?? ''
  return firstLine.replace(/^\/\/\s*/, '')
}

const [name, ...rest] = process.argv.slice(2)
if (!name || name === '--help' || name === '-h') {
  console.log('usage: npm run bench -- <name> [--db sqlite|postgres|both] [--record] [options]\n')
  for (const bench of benchmarks) console.log(`  ${bench.padEnd(10)} ${summaryOf(bench)}`)
  process.exit(name ? 0 : 1)
}
if (!benchmarks.includes(name)) {
  console.error(`no benchmark named '${name}'; there are: ${benchmarks.join(', ')}`)
  process.exit(1)
}

const build = spawnSync('npx', ['tsc', '-b'], { cwd: root, stdio: 'inherit' })
if (build.status !== 0) process.exit(build.status ?? 1)

const run = spawnSync(process.execPath, [path.join(benchDir, `${name}.mjs`), ...rest], { cwd: root, stdio: 'inherit' })
process.exit(run.status ?? 1)
