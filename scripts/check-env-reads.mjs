#!/usr/bin/env node
// STYLE: only config.ts reads process.env, so every setting is parsed and checked in one place.
// Tests, test support, scripts and benchmarks may read it; library code may not.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const offenders = []

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name)
    if (name === 'node_modules' || name === 'dist') continue
    if (statSync(file).isDirectory()) {
      if (name !== 'test-support') walk(file)
    } else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && name !== 'config.ts') {
      const lines = readFileSync(file, 'utf8').split('\n')
      lines.forEach((line, i) => {
        if (/process\.env\b/.test(line)) offenders.push(`${path.relative(root, file)}:${i + 1}: ${line.trim()}`)
      })
    }
  }
}

walk(path.join(root, 'packages'))
if (offenders.length > 0) {
  console.error(`process.env is read outside config.ts:\n${offenders.join('\n')}`)
  process.exit(1)
}
console.log('env reads: only in config.ts')
