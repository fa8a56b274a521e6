// Child process of bench/data-profile.mjs: profiles one file with @provena/data and answers
// over IPC with the wall time, the process's peak RSS and a few facts to check the result by.
import { profileFiles } from '../../packages/data/dist/index.js'

const [absolutePath, format] = process.argv.slice(2)
const startedMs = performance.now()
const { profile } = await profileFiles([{ absolutePath, relativePath: absolutePath.split('/').pop(), format }])
const wallMs = performance.now() - startedMs
process.send({
  wallMs,
  // maxRSS is in KiB on Linux.
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
  rowCount: profile.rowCount,
  types: profile.columns.map((column) => `${column.name}:${column.type}`),
  nullCounts: profile.columns.map((column) => column.nullCount),
  warnings: profile.warnings,
})
process.disconnect()
