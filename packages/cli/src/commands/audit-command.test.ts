import { cpSync, readFileSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateSignerKey, verifierKeyOf } from '../../../server/src/domain/audit/signed-note.js'
import {
  buildCli,
  type CliServer,
  cleanEnv,
  runCli,
  startCliServer,
  stopCliServer,
  tempDir,
} from '../test-support/cli-process.js'
import { uniqueName } from '../test-support/seed.js'

const ADMIN_PASSWORD = 'audit-admin-password'

let server: CliServer
let dataDir: string
let adminEnv: NodeJS.ProcessEnv
/** A checkpoint signed after the first experiments, before the later ones. */
let checkpointFile: string
let checkpointSize: number

/** `provena <args> --url <server>` as the signed-in admin. */
const asAdmin = (...args: string[]) => runCli([...args, '--url', server.url], adminEnv)

async function createExperiments(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await asAdmin('experiments', 'create', uniqueName('audited'))
}

/** The number of events, from the export. */
async function eventCount(): Promise<number> {
  return (await asAdmin('audit', 'export')).stdout.trimEnd().split('\n').length
}

beforeAll(async () => {
  await buildCli()
  dataDir = tempDir()
  const env = cleanEnv({ PROVENA_ADMIN_PASSWORD: ADMIN_PASSWORD })
  server = await startCliServer(['--auth', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'], env)
  adminEnv = cleanEnv()
  await runCli(['login', '--url', server.url, '--username', 'admin'], adminEnv, `${ADMIN_PASSWORD}\n`)
  await createExperiments(3)
  checkpointFile = path.join(tempDir(), 'checkpoint.txt')
  await asAdmin('audit', 'checkpoint', '--output', checkpointFile)
  checkpointSize = Number(readFileSync(checkpointFile, 'utf8').split('\n')[1])
  await createExperiments(2)
})

afterAll(() => stopCliServer(server))

describe('provena audit against a running server', () => {
  it('lists events newest first as a table, filtered by action', async () => {
    const result = await asAdmin('audit', 'list', '--action', 'experiment.create', '--max-results', '2')

    const lines = result.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^SEQ\s+TIME\s+ACTOR\s+ACTION\s+OBJECT$/)
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(
        /^\s*\d+\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+admin\/token:cli@\S+\s+experiment\.create\s+experiment \d+$/,
      ),
      expect.stringMatching(/experiment\.create/),
    ])
    expect(result.stderr).toContain('More events exist; showing the newest 2')
  })

  it('lists events in a time window as JSON', async () => {
    const result = await asAdmin(
      'audit',
      'list',
      '--since',
      '2000-01-01',
      '--until',
      String(Date.now() + 60_000),
      '--json',
    )

    const events = JSON.parse(result.stdout) as { seq: number }[]
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => events.length - i))
  })

  it('exports every event as JSON Lines in seq order, to a file', async () => {
    const file = path.join(tempDir(), 'audit.jsonl')

    const result = await asAdmin('audit', 'export', '--format', 'jsonl', '--output', file)

    const events = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(result.stderr).toBe(`Exported ${events.length} audit events to ${file}.\n`)
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1))
    expect(events[0]).toMatchObject({ seq: 1, action: 'user.create', actor: 'system', prevHash: '0'.repeat(64) })
  })

  it('verifies the chain of the exported events here and exits 0', async () => {
    const count = await eventCount()

    const result = await asAdmin('audit', 'verify')

    expect(result).toMatchObject({ code: 0, stdout: `OK: ${count} events, chain intact\n` })
  })

  it('shows that the log extends a checkpoint kept earlier, checked with the given key', async () => {
    const result = await asAdmin('audit', 'verify', '--against', checkpointFile, '--key', server.auditKey)

    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      new RegExp(
        `^Checkpoint signature verified with the key given with --key \\(provena-audit\\+[0-9a-f]{8}\\)\\.\\n` +
          `OK: \\d+ events, chain intact, extends checkpoint of size ${checkpointSize}\\n$`,
      ),
    )
  })

  it("checks a checkpoint with the server's own key without --key, and says so", async () => {
    const result = await asAdmin('audit', 'verify', '--against', checkpointFile)

    expect(result.code).toBe(0)
    expect(result.stdout).toContain("verified with the server's own public key")
  })

  it('fails a checkpoint that another key signed', async () => {
    const otherKey = verifierKeyOf(generateSignerKey('provena-audit'))

    const result = await asAdmin('audit', 'verify', '--against', checkpointFile, '--key', otherKey)

    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /^provena: audit trail verification FAILED: the checkpoint in .* note has no signature by key/,
    )
  })

  it('signs a checkpoint of the whole log and prints the note', async () => {
    const count = await eventCount()

    const result = await asAdmin('audit', 'checkpoint')

    expect(result.stdout).toMatch(
      new RegExp(`^provena-audit\\n${count}\\n[A-Za-z0-9+/]{43}=\\n\\n— provena-audit \\S+\\n$`),
    )
    expect(result.stderr).toContain(`Wrote a checkpoint of ${count} events, signed by ${server.auditKey}`)
  })

  it('proves that an event is in the log and checks the proof here', async () => {
    const result = await asAdmin('audit', 'prove', '2')

    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Inclusion proof of event 2 in the log of \d+ events\n {2}leaf hash: [0-9a-f]{64}\n/)
    expect(result.stdout).toMatch(/OK: event 2 is in the log of \d+ events \(checked against the server's root\)\n$/)
  })

  it('proves an event against the root of a kept checkpoint', async () => {
    const result = await asAdmin('audit', 'prove', '2', '--against', checkpointFile, '--key', server.auditKey, '--json')

    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ seq: 2, treeSize: checkpointSize, isVerified: true })
  })
})

describe('provena audit verify on the database of a stopped server', () => {
  /** A copy of the stopped server's data dir, to tamper with. */
  const copyOfData = () => {
    const copy = tempDir()
    cpSync(dataDir, copy, { recursive: true })
    return copy
  }
  const sqlite = (dir: string, work: (db: Database.Database) => void) => {
    const db = new Database(path.join(dir, 'provena.db'))
    try {
      work(db)
    } finally {
      db.close()
    }
  }

  beforeAll(() => stopCliServer(server))
  const countEvents = async (dir: string) => {
    let count = 0
    sqlite(dir, (db) => {
      count = (db.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number }).n
    })
    return count
  }

  it('exits 0 on the untouched data, without a server', async () => {
    const result = await runCli([
      'audit',
      'verify',
      '--data-dir',
      dataDir,
      '--against',
      checkpointFile,
      '--key',
      server.auditKey,
    ])

    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      new RegExp(`OK: \\d+ events, chain intact, extends checkpoint of size ${checkpointSize}\\n$`),
    )
  })

  it('exits 1 naming event 3 after one byte of it was changed in the SQLite file', async () => {
    const copy = copyOfData()
    sqlite(copy, (db) => db.prepare("UPDATE audit_events SET actor = 'mallory' WHERE seq = 3").run())

    const result = await runCli(['audit', 'verify', '--db', path.join(copy, 'provena.db')])

    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'provena: audit trail verification FAILED: first broken event is 3: hash does not match its content (edited?)\n',
    })
  })

  it('verifies in several threads, each over its own connection, with the same verdicts', async () => {
    const events = await countEvents(dataDir)
    const copy = copyOfData()
    // The last third's first event: with 3 threads it is where a segment starts, so only the join can catch it.
    const joinSeq = Math.floor((events * 2) / 3) + 1
    sqlite(copy, (db) =>
      db
        .prepare("UPDATE audit_events SET prev_hash = replace(prev_hash, substr(prev_hash, 1, 1), 'x') WHERE seq = ?")
        .run(joinSeq),
    )

    const intact = await runCli(['audit', 'verify', '--data-dir', dataDir, '--threads', '3'])
    const broken = await runCli(['audit', 'verify', '--data-dir', copy, '--threads', '3'])

    expect(intact).toMatchObject({ code: 0, stdout: `OK: ${events} events, chain intact\n` })
    expect(broken).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        `first broken event is ${joinSeq}: prevHash does not match the hash of event ${joinSeq - 1}`,
      ),
    })
  })

  it('refuses --threads when verifying a running server', async () => {
    const result = await runCli(['audit', 'verify', '--url', 'http://127.0.0.1:1', '--threads', '2'])

    expect(result).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--threads applies to verifying a database'),
    })
  })

  it('shows events cut from the end, with the head rewritten to match, only against a checkpoint', async () => {
    const copy = copyOfData()
    const kept = checkpointSize - 1
    sqlite(copy, (db) => {
      db.prepare('DELETE FROM audit_events WHERE seq > ?').run(kept)
      db.prepare('UPDATE audit_head SET seq = ?, hash = (SELECT hash FROM audit_events WHERE seq = ?)').run(kept, kept)
    })

    const chainOnly = await runCli(['audit', 'verify', '--data-dir', copy])
    const withCheckpoint = await runCli([
      'audit',
      'verify',
      '--data-dir',
      copy,
      '--against',
      checkpointFile,
      '--key',
      server.auditKey,
    ])

    expect(chainOnly).toMatchObject({ code: 0, stdout: `OK: ${kept} events, chain intact\n` })
    expect(withCheckpoint).toMatchObject({
      code: 1,
      stderr: `provena: audit trail verification FAILED: the checkpoint covers ${checkpointSize} events but the log has only ${kept}: events at the end were deleted\n`,
    })
  })

  it('needs --key to check a checkpoint without a server', async () => {
    const result = await runCli(['audit', 'verify', '--data-dir', dataDir, '--against', checkpointFile])

    expect(result).toMatchObject({
      code: 1,
      stderr: 'provena: --against needs --key when a database is verified directly\n',
    })
  })

  it('says so when the directory holds no database', async () => {
    const empty = tempDir()

    const result = await runCli(['audit', 'verify', '--data-dir', empty])

    expect(result).toMatchObject({ code: 1, stderr: `provena: no database at ${path.join(empty, 'provena.db')}\n` })
  })
})
