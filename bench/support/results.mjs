import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'

const RESULTS_FILE = fileURLToPath(new URL('../RESULTS.md', import.meta.url))
const HEADER = `# Benchmark results

Recorded by \`npm run bench -- <name> --record\`; each benchmark rewrites only its own section.
See \`bench/README.md\` for what each benchmark does.
`

/** The facts about this machine that a recorded figure depends on. */
export function machineFacts() {
  const [load1] = os.loadavg()
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    load1: load1.toFixed(2),
  }
}

export function machineLine() {
  const m = machineFacts()
  return `${m.date} · ${m.cores} cores · ${m.cpuModel} · Node ${m.node} · 1-min load average at the end ${m.load1}`
}

/** How a figure stands against its target, as written in the results. */
export function verdict(isMet) {
  return isMet ? 'met' : 'MISSED'
}

/** Replaces (or appends) the section `id` of bench/RESULTS.md with `body` (markdown). */
export function recordSection(id, title, body) {
  const start = `<!-- bench:${id}:start -->`
  const end = `<!-- bench:${id}:end -->`
  const section = `${start}\n## ${title}\n\n${body.trim()}\n${end}`
  let text = existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, 'utf8') : HEADER
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  if (from !== -1 && to > from) {
    text = text.slice(0, from) + section + text.slice(to + end.length)
  } else {
    text = `${text.trimEnd()}\n\n${section}\n`
  }
  writeFileSync(RESULTS_FILE, text)
  console.log(`recorded in bench/RESULTS.md (section ${id})`)
}
