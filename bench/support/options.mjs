import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const PROFILE_DIR = fileURLToPath(new URL('../.out/profiles', import.meta.url))

/**
 * Parses a benchmark's command line: `--db sqlite|postgres|both`, `--record`, `--profile`
 * (the server process writes a V8 CPU profile to bench/.out/profiles/), `--sqlite-synchronous
 * FULL|NORMAL` (FULL, the server's default, unless asked), plus the benchmark's own numeric
 * options (given as { name: default }) and boolean flags (given by name).
 */
export function parseBenchArgs(argv, numericDefaults = {}, flags = []) {
  const numeric = Object.fromEntries(Object.keys(numericDefaults).map((name) => [name, { type: 'string' }]))
  const booleans = Object.fromEntries(flags.map((name) => [name, { type: 'boolean', default: false }]))
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string', default: 'sqlite' },
      record: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'sqlite-synchronous': { type: 'string', default: 'FULL' },
      ...numeric,
      ...booleans,
    },
    strict: true,
  })
  const dbs = values.db === 'both' ? ['sqlite', 'postgres'] : [values.db]
  for (const db of dbs) {
    if (db !== 'sqlite' && db !== 'postgres') throw new Error(`--db must be sqlite, postgres or both, not ${db}`)
  }
  const serverExecArgv = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []
  const sqliteSynchronous = values['sqlite-synchronous'].toUpperCase()
  if (sqliteSynchronous !== 'FULL' && sqliteSynchronous !== 'NORMAL')
    throw new Error('--sqlite-synchronous must be FULL or NORMAL')
  const options = { dbs, isRecording: values.record, serverExecArgv, sqliteSynchronous }
  for (const name of flags) options[name] = values[name]
  for (const [name, fallback] of Object.entries(numericDefaults)) {
    const value = values[name] === undefined ? fallback : Number(values[name])
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`)
    options[name] = value
  }
  return options
}
