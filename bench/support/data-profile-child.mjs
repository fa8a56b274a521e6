// Child process of bench/data-profile.mjs: profiles one file with @provena/data and answers
// over IPC with the wall time, the process's peak RSS and a few facts to check the result by.
import { profileFiles } from '../../packages/data/dist/index.js'

const [absolutePath, format, workersText] = process.argv.slice(2)
const workers = workersText === 'auto' ? undefined : Number(workersText)
const startedMs = performance.now()
const { profile } = await profileFiles([{ absolutePath, relativePath: absolutePath.split('/').pop(), format }], {
  workers,
})
const wallMs = performance.now() - startedMs
// The CPU time of the process includes its worker threads.
const { user, system } = process.cpuUsage()
process.send({
  wallMs,
  cpuMs: (user + system) / 1000,
  // maxRSS is in KiB on Linux.
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
  rowCount: profile.rowCount,
  types: profile.columns.map((column) => `${column.name}:${column.type}`),
  nullCounts: profile.columns.map((column) => column.nullCount),
  warnings: profile.warnings,
})
process.disconnect()
