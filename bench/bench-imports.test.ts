import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { buildWorkspacePackage } from '../packages/server/src/test-support/workspace-build.js'

// The benchmarks import from the packages' builds (dist), where neither tsc nor knip looks: an
// export renamed or moved into a test broke `search` and `ui` once, and nobody saw it until a
// benchmark was run. This checks every named import of a build, in every benchmark script.

const BENCH = path.dirname(new URL(import.meta.url).pathname)
const scripts = [
  ...readdirSync(BENCH).map((name) => path.join(BENCH, name)),
  ...readdirSync(path.join(BENCH, 'support')).map((name) => path.join(BENCH, 'support', name)),
].filter((file) => file.endsWith('.mjs'))

/** `import { a, b as c } from '…/packages/…/dist/…'` of a script: the module's path and the names. */
function buildImportsOf(file: string): { module: string; names: string[] }[] {
  const source = readFileSync(file, 'utf8')
  return [...source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'([^']*\/packages\/[^']*\/dist\/[^']*)'/g)].map(
    ([, names = '', specifier = '']) => ({
      module: path.resolve(path.dirname(file), specifier),
      names: names
        .split(',')
        .map((name) => name.trim().split(/\s+as\s+/)[0] ?? '')
        .filter((name) => name !== ''),
    }),
  )
}

describe('benchmark scripts', () => {
  it('import only what the builds export', { timeout: 180_000 }, async () => {
    await buildWorkspacePackage('server')
    await buildWorkspacePackage('sdk')
    const missing: string[] = []
    let checked = 0
    for (const script of scripts) {
      for (const { module, names } of buildImportsOf(script)) {
        const exported = await import(pathToFileURL(module).href)
        for (const name of names) {
          checked++
          if (!(name in exported)) missing.push(`${path.relative(BENCH, script)}: ${name} from ${module}`)
        }
      }
    }
    expect(checked).toBeGreaterThan(10)
    expect(missing).toEqual([])
  })
})
