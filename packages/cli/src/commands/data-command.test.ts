import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prng } from '../../../data/src/test-support/prng.js'
import { startS3TestServer } from '../../../server/src/test-support/s3-test-server.js'
import { buildCli, type CliServer, cleanEnv, runCli, startCliServer, tempDir } from '../test-support/cli-process.js'
import { seedExperiment, seedRun, uniqueName } from '../test-support/seed.js'

let server: CliServer
const cli = (...args: string[]) => runCli([...args, '--url', server.url])
const json = async (...args: string[]) => {
  const result = await cli(...args, '--json')
  if (result.code !== 0) throw new Error(`provena ${args.join(' ')} failed: ${result.stderr}`)
  return JSON.parse(result.stdout)
}

beforeAll(async () => {
  await buildCli()
  server = await startCliServer(['--port', '0', '--data-dir', tempDir(), '--log-level', 'warn'])
})

afterAll(async () => {
  server.child.kill('SIGTERM')
  await server.exited
})

/** A standard normal sample (Box-Muller) from a seeded generator. */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
}

/** A CSV table: `amount` ~ N(mean, 1) and `plan` drawn from the given categories with weights. */
function tableCsv(
  seed: number,
  rows: number,
  { mean = 0, plans = { basic: 0.5, pro: 0.3, team: 0.2 } as Record<string, number> } = {},
): string {
  const random = prng(seed)
  const names = Object.keys(plans)
  const weights = Object.values(plans)
  const lines = ['id,amount,plan']
  for (let i = 0; i < rows; i++) {
    let u = random()
    let plan = names.at(-1) as string
    for (let k = 0; k < names.length; k++) {
      u -= weights[k] as number
      if (u < 0) {
        plan = names[k] as string
        break
      }
    }
    lines.push(`${i},${(mean + normal(random)).toFixed(4)},${plan}`)
  }
  return `${lines.join('\n')}\n`
}

function writeFile(dir: string, name: string, content: string | Buffer): string {
  const file = path.join(dir, name)
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, content)
  return file
}

// One after another: each test starts several CLI processes, too many at once for 2 cores.
describe('provena data', () => {
  it('registers a CSV file with its digest, schema and profile', async () => {
    const name = uniqueName('churn')
    const file = writeFile(tempDir(), 'train.csv', tableCsv(1, 2000))

    const added = await json('data', 'add', file, '--name', name)
    const shown = await json('data', 'show', `${name}@latest`)

    expect(added.isNew).toBe(true)
    expect(added.datasetVersion).toMatchObject({
      datasetName: name,
      version: 1,
      format: 'csv',
      fileCount: 1,
      rowCount: 2000,
    })
    expect(shown.schema.columns).toEqual([
      { name: 'id', type: 'integer' },
      { name: 'amount', type: 'float' },
      { name: 'plan', type: 'string' },
    ])
    expect(shown.profile.columns[2].categories.values.map((v: { value: string }) => v.value)).toEqual([
      'basic',
      'pro',
      'team',
    ])
  })

  it('resolves identical content to the version it has, and new content to the next version', async () => {
    const name = uniqueName('dedupe')
    const dir = tempDir()
    writeFile(dir, 'a.csv', tableCsv(2, 100))
    writeFile(dir, 'b.txt', 'notes')

    const first = await cli('data', 'add', dir, '--name', name)
    const again = await cli('data', 'add', dir, '--name', name)
    writeFile(dir, 'c.txt', 'more notes')
    const changed = await cli('data', 'add', dir, '--name', name)
    const versions = await json('data', 'ls', name)

    expect(first.stdout).toMatch(new RegExp(`^Registered ${name}@1 \\(2 files`))
    expect(again.stdout).toMatch(new RegExp(`^Already registered as ${name}@1 \\(2 files`))
    expect(changed.stdout).toMatch(new RegExp(`^Registered ${name}@2 \\(3 files`))
    expect(versions.map((v: { version: number }) => v.version)).toEqual([2, 1])
  })

  it('flags a shifted mean and a new category as drift', async () => {
    const name = uniqueName('drift')
    const dir = tempDir()
    await cli('data', 'add', writeFile(dir, 'v1.csv', tableCsv(3, 5000)), '--name', name)
    const shifted = tableCsv(4, 5000, { mean: 1, plans: { basic: 0.4, pro: 0.2, team: 0.15, enterprise: 0.25 } })
    await cli('data', 'add', writeFile(dir, 'v2.csv', shifted), '--name', name)

    const report = await json('data', 'diff', `${name}@1`, `${name}@2`)
    const text = await cli('data', 'diff', `${name}@1`, `${name}@2`, '--fail-on', 'drift')

    const column = (n: string) => report.columns.find((c: { name: string }) => c.name === n)
    expect(report.verdict).toBe('drift')
    expect(column('amount')).toMatchObject({ kind: 'numeric', verdict: 'drift' })
    expect(column('amount').psi).toBeGreaterThan(0.25)
    expect(column('plan')).toMatchObject({ kind: 'categorical', verdict: 'drift', newCategories: ['enterprise'] })
    expect(report.files).toEqual({ added: ['v2.csv'], removed: ['v1.csv'], changed: [] })
    expect(text.code).toBe(1)
    expect(text.stdout).toMatch(/Verdict: {3}DRIFT/)
    expect(text.stderr).toBe('provena: drift verdict drift\n')
  })

  it('finds no drift between two samples of the same distribution', async () => {
    const name = uniqueName('stable')
    const dir = tempDir()
    await cli('data', 'add', writeFile(dir, 'a.csv', tableCsv(5, 10_000)), '--name', name)
    await cli('data', 'add', writeFile(dir, 'b.csv', tableCsv(6, 10_000)), '--name', name)

    const report = await json('data', 'diff', `${name}@1`, `${name}@2`)

    expect(report.verdict).toBe('ok')
    expect(report.columns.map((c: { verdict: string }) => c.verdict)).toEqual(['ok', 'ok', 'ok'])
  })

  it('compares data that is not registered with a version, and with the training data of a run', async () => {
    const name = uniqueName('reference')
    const dir = tempDir()
    await cli('data', 'add', writeFile(dir, 'train.csv', tableCsv(7, 3000)), '--name', name)
    const runId = await seedRun(server.url, {
      experimentId: await seedExperiment(server.url, uniqueName('e')),
      name: 'fit',
    })
    const logged = await cli('data', 'log-input', runId, `${name}@1`)
    const fresh = writeFile(dir, 'new.csv', tableCsv(8, 3000, { mean: 2 }))

    const againstVersion = await json('data', 'drift', '--reference', `${name}@1`, '--current', fresh)
    const againstRun = await json('data', 'drift', '--reference', `runs:/${runId}`, '--current', fresh)
    const versions = await json('data', 'ls', name)

    expect(logged.stdout).toBe(`Run ${runId} reads ${name}@1 (training).\n`)
    expect(againstVersion.verdict).toBe('drift')
    expect(againstVersion.current.label).toBe(fresh)
    expect(againstRun.reference.label).toBe(`runs:/${runId} training (${name}@1)`)
    expect(againstRun.columns).toEqual(againstVersion.columns)
    expect(versions).toHaveLength(1)
  })

  it('links runs to the versions they read and produced, both ways', async () => {
    const name = uniqueName('links')
    const dir = tempDir()
    await cli('data', 'add', writeFile(dir, 'in.csv', tableCsv(9, 10)), '--name', name)
    await cli('data', 'add', writeFile(dir, 'out.csv', tableCsv(10, 10)), '--name', name)
    const runId = await seedRun(server.url, {
      experimentId: await seedExperiment(server.url, uniqueName('e')),
      name: 'etl',
    })

    await cli('data', 'log-input', runId, `${name}@1`, '--context', 'validation')
    const output = await cli('data', 'log-output', runId, `${name}@latest`)
    const readers = await json('data', 'runs', `${name}@1`)
    const producers = await json('data', 'runs', `${name}@2`)

    expect(output.stdout).toBe(`Run ${runId} produced ${name}@2.\n`)
    expect(readers).toEqual([expect.objectContaining({ runId, direction: 'input', context: 'validation' })])
    expect(producers).toEqual([expect.objectContaining({ runId, direction: 'output', context: null })])
  })

  it('names the file whose byte changed in a registered folder, and exits 1', async () => {
    const name = uniqueName('verify')
    const dir = tempDir()
    writeFile(dir, 'part-1.csv', tableCsv(11, 50))
    const part2 = writeFile(dir, 'sub/part-2.csv', tableCsv(12, 50))
    await cli('data', 'add', dir, '--name', name)
    const intact = await cli('data', 'verify', `${name}@1`)
    const bytes = readFileSync(part2)
    bytes[20] = bytes[20] === 0x31 ? 0x32 : 0x31
    writeFileSync(part2, bytes)

    const broken = await cli('data', 'verify', `${name}@1`)
    const asJson = await cli('data', 'verify', `${name}@1`, dir, '--json')

    expect(intact.code).toBe(0)
    expect(intact.stdout).toBe(`OK: 2 files at ${dir} match ${name}@1\n`)
    expect(broken.code).toBe(1)
    expect(broken.stdout).toBe(
      `CHANGED  sub/part-2.csv\nFAILED: ${dir} differs from ${name}@1: 0 added, 0 removed, 1 changed\n`,
    )
    expect(JSON.parse(asJson.stdout)).toEqual({ matches: false, added: [], removed: [], changed: ['sub/part-2.csv'] })
  })

  it('reports files added to and removed from a folder', async () => {
    const name = uniqueName('verify-tree')
    const dir = tempDir()
    const gone = writeFile(dir, 'a.txt', 'a')
    writeFile(dir, 'b.txt', 'b')
    await cli('data', 'add', dir, '--name', name)
    writeFileSync(path.join(dir, 'c.txt'), 'c')
    const { rmSync } = await import('node:fs')
    rmSync(gone)

    const result = await cli('data', 'verify', `${name}@1`)

    expect(result.code).toBe(1)
    expect(result.stdout.split('\n').slice(0, 2)).toEqual(['ADDED    c.txt', 'REMOVED  a.txt'])
  })

  it('stores the files in the artifact store with --store', async () => {
    const name = uniqueName('stored')
    const file = writeFile(tempDir(), 'weights.bin', 'bytes of a model input')

    const added = await json('data', 'add', file, '--name', name, '--store')

    expect(added.datasetVersion).toMatchObject({ isStored: true, format: 'other', rowCount: null })
  })

  it('keeps a column named like SQL as it is', async () => {
    const name = uniqueName('sql')
    const header = '"x; DROP TABLE datasets; --","it\'s"'
    const file = writeFile(tempDir(), 't.csv', `${header}\n1,a\n2,b\n`)

    await cli('data', 'add', file, '--name', name)
    const shown = await json('data', 'show', `${name}@1`)

    expect(shown.schema.columns.map((c: { name: string }) => c.name)).toEqual(['x; DROP TABLE datasets; --', "it's"])
  })
})

describe('provena data with bad input registers nothing', () => {
  async function expectNothingRegistered(name: string) {
    const list = await json('data', 'ls')
    expect(list.map((d: { name: string }) => d.name)).not.toContain(name)
  }

  it('refuses a path that does not exist', async () => {
    const name = uniqueName('missing')
    const missing = path.join(tempDir(), 'nope.csv')

    const result = await cli('data', 'add', missing, '--name', name)

    expect(result.code).toBe(1)
    expect(result.stderr).toContain(missing)
    await expectNothingRegistered(name)
  })

  it('refuses a CSV with a ragged row and names the line', async () => {
    const name = uniqueName('ragged')
    const file = writeFile(tempDir(), 'r.csv', 'a,b,c\n1,2,3\n4,5\n')

    const result = await cli('data', 'add', file, '--name', name)

    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/r\.csv.*line 3/)
    await expectNothingRegistered(name)
  })

  it('refuses text that is not UTF-8', async () => {
    const name = uniqueName('latin1')
    const file = writeFile(tempDir(), 'l.csv', Buffer.from([0x61, 0x0a, 0xe9, 0x0a]))

    const result = await cli('data', 'add', file, '--name', name)

    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/l\.csv.*UTF-8/)
    await expectNothingRegistered(name)
  })

  it('refuses a truncated Parquet file', async () => {
    const name = uniqueName('parquet')
    const file = writeFile(tempDir(), 't.parquet', Buffer.from('PAR1 not really parquet'))

    const result = await cli('data', 'add', file, '--name', name)

    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/not a valid Parquet file: t\.parquet/)
    await expectNothingRegistered(name)
  })

  it('refuses a version reference without a version', async () => {
    const result = await cli('data', 'show', 'churn')

    expect(result.code).toBe(2)
    expect(result.stderr).toContain("expected <name>@<version> or <name>@latest, got 'churn'")
  })

  it('registers an empty file with a warning rather than failing', async () => {
    const name = uniqueName('empty')
    const file = writeFile(tempDir(), 'e.csv', '')

    const result = await cli('data', 'add', file, '--name', name)

    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(new RegExp(`^Registered ${name}@1 \\(1 files, 0 B, 0 rows, csv`))
    expect(result.stderr).toMatch(/warning: .*e\.csv/)
  })

  it('types a column of numbers and words as string and says so', async () => {
    const name = uniqueName('mixed')
    const file = writeFile(tempDir(), 'm.csv', 'v\n1\n2\nthree\n')

    await cli('data', 'add', file, '--name', name)
    const shown = await json('data', 'show', `${name}@1`)

    expect(shown.profile.columns[0]).toMatchObject({ name: 'v', type: 'string', typeCounts: { integer: 2, string: 1 } })
    expect(shown.profile.warnings.join('\n')).toMatch(/v/)
  })
})

describe('provena data with remote data', () => {
  let s3: Awaited<ReturnType<typeof startS3TestServer>>
  let s3Env: NodeJS.ProcessEnv
  beforeAll(async () => {
    s3 = await startS3TestServer()
    s3Env = cleanEnv({
      PROVENA_S3_ENDPOINT: s3.endpoint,
      PROVENA_S3_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    })
  })
  afterAll(async () => s3.close())

  it('registers a folder from S3, records where it is, and verifies it there', async () => {
    const name = uniqueName('s3')
    const prefix = uniqueName('exports')
    await s3.putObject(`${prefix}/part-1.csv`, tableCsv(20, 100))
    await s3.putObject(`${prefix}/nested/part-2.csv`, tableCsv(21, 100))
    const s3Cli = (...args: string[]) => runCli([...args, '--url', server.url], s3Env)

    const added = await s3Cli('data', 'add', `s3://${s3.bucket}/${prefix}`, '--name', name, '--json')
    const intact = await s3Cli('data', 'verify', `${name}@1`)
    await s3.putObject(`${prefix}/nested/part-2.csv`, tableCsv(22, 100))
    const changed = await s3Cli('data', 'verify', `${name}@1`)

    expect(JSON.parse(added.stdout).datasetVersion).toMatchObject({
      source: `s3://${s3.bucket}/${prefix}/`,
      fileCount: 2,
      rowCount: 200,
      format: 'csv',
    })
    expect(intact.code).toBe(0)
    expect(changed.code).toBe(1)
    expect(changed.stdout).toContain('CHANGED  nested/part-2.csv')
  })

  it('refuses an S3 prefix with nothing below it', async () => {
    const name = uniqueName('s3-empty')
    const result = await runCli(
      ['data', 'add', `s3://${s3.bucket}/${uniqueName('nothing')}`, '--name', name, '--url', server.url],
      s3Env,
    )

    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/no such object, and no objects below it/)
  })

  it('reads a file over HTTP and records the URL without its query', async () => {
    const name = uniqueName('http')
    const csv = tableCsv(23, 500)
    const web = createServer((req, res) => {
      if (req.url?.startsWith('/exports/daily.csv')) return void res.end(csv)
      res.statusCode = 404
      res.end()
    })
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${(web.address() as AddressInfo).port}`
    try {
      const added = await json('data', 'add', `${base}/exports/daily.csv?signature=secret`, '--name', name)
      const missing = await cli('data', 'add', `${base}/exports/gone.csv`, '--name', name)

      expect(added.datasetVersion).toMatchObject({ source: `${base}/exports/daily.csv`, rowCount: 500, format: 'csv' })
      expect(missing.code).toBe(1)
      expect(missing.stderr).toContain(`cannot fetch ${base}/exports/gone.csv: the server answered 404`)
    } finally {
      web.close()
    }
  })
})
