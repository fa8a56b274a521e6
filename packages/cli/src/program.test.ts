import { createServer } from 'node:net'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildCli, runCli } from './test-support/cli-process.js'

beforeAll(buildCli)

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

describe.concurrent('provena --help', () => {
  it.each([
    [
      [],
      [
        'server',
        'db',
        'login',
        'logout',
        'experiments',
        'runs',
        'run',
        'reproduce',
        'artifacts',
        'gc',
        'import',
        'users',
        'tokens',
        'permissions',
        'audit',
      ],
    ],
    [['artifacts'], ['upload', 'download', 'ls', 'verify']],
    [
      ['artifacts', 'upload'],
      ['<run-id>', '<local-path>', '[artifact-path]', '--concurrency', '--force', '--json', '--url', 'Examples:'],
    ],
    [
      ['artifacts', 'download'],
      ['<run-id>', '[artifact-path]', '--dest', '--concurrency', '--json', '--url', 'Examples:'],
    ],
    [
      ['artifacts', 'ls'],
      ['<run-id>', '[path]', '--recursive', '--json', '--url', 'Examples:'],
    ],
    [
      ['artifacts', 'verify'],
      ['--run', '--json', 'audit trail', '--url', 'Examples:'],
    ],
    [['gc'], ['--dry-run', '--grace-minutes', '--json', '--url', 'Examples:']],
    [['import'], ['mlflow']],
    [
      ['import', 'mlflow'],
      ['--from', '--dry-run', '--json', '--url', '--token', 'matched by name', 'imports nothing twice', 'Examples:'],
    ],
    [
      ['server'],
      [
        '--host',
        '--port',
        '--data-dir',
        '--db',
        '--sqlite-synchronous',
        '--log-level',
        '--auth',
        '--allowed-hosts',
        '--default-permission',
        '--audit-checkpoint-every',
        '--audit-checkpoint-minutes',
        '--insecure-no-auth',
        '--artifacts',
        '--s3-endpoint',
        '--s3-region',
        '--s3-path-style',
        'PROVENA_ADMIN_PASSWORD',
        'Examples:',
      ],
    ],
    [
      ['db', 'migrate'],
      ['--data-dir', '--db', 'Examples:'],
    ],
    [['experiments'], ['list', 'create', 'delete', 'restore']],
    [
      ['experiments', 'list'],
      ['--view', '--name-like', '--max-results', '--json', '--url', '--token', 'Examples:'],
    ],
    [
      ['experiments', 'create'],
      ['<name>', '--description', '--tag', '--json', '--url', 'Examples:'],
    ],
    [
      ['experiments', 'delete'],
      ['<id-or-name>', '--url', 'Examples:'],
    ],
    [
      ['experiments', 'restore'],
      ['<id-or-name>', '--url', 'Examples:'],
    ],
    [['runs'], ['list', 'show', 'delete', 'restore']],
    [
      ['runs', 'list'],
      ['--experiment', '--filter', '--order-by', '--max-results', '(default: 50)', '--view', '--json', 'Examples:'],
    ],
    [
      ['runs', 'show'],
      ['<run-id>', '--json', '--url', 'Examples:'],
    ],
    [
      ['runs', 'delete'],
      ['<run-id>', '--url', 'Examples:'],
    ],
    [
      ['runs', 'restore'],
      ['<run-id>', '--url', 'Examples:'],
    ],
    [
      ['run'],
      [
        '<command...>',
        '--experiment',
        '--name',
        '--param',
        '--tag',
        '--no-capture',
        '--system-metrics-interval',
        'PROVENA_RUN_ID',
        'MLFLOW_TRACKING_URI',
        '128 + signal',
        'Examples:',
      ],
    ],
    [
      ['reproduce'],
      ['<run-id>', '--execute', '--allow-dirty', '--allow-data-changes', '--json', 'provena.reproduces', 'Examples:'],
    ],
    [['login'], ['--url', '--username', 'credentials.json', 'Examples:']],
    [['logout'], ['--url', 'Examples:']],
    [['users'], ['create', 'list', 'disable', 'enable', 'set-password']],
    [
      ['users', 'create'],
      ['<name>', '--admin', '--password-stdin', '--json', '--url', '--token', 'Examples:'],
    ],
    [
      ['users', 'list'],
      ['--json', '--url', 'Examples:'],
    ],
    [
      ['users', 'disable'],
      ['<name>', '--url', 'Examples:'],
    ],
    [
      ['users', 'enable'],
      ['<name>', '--url', 'Examples:'],
    ],
    [
      ['users', 'set-password'],
      ['<name>', '--password-stdin', 'Examples:'],
    ],
    [['tokens'], ['create', 'list', 'revoke']],
    [
      ['tokens', 'create'],
      ['<name>', '--expires-in-days', '--user', '--json', 'cannot be shown again', 'Examples:'],
    ],
    [
      ['tokens', 'list'],
      ['--user', '--json', 'Examples:'],
    ],
    [
      ['tokens', 'revoke'],
      ['<id>', '--url', 'Examples:'],
    ],
    [['permissions'], ['list', 'grant', 'revoke']],
    [
      ['permissions', 'list'],
      ['<object-type>', '<id-or-name>', 'experiment', '--json', 'Examples:'],
    ],
    [
      ['permissions', 'grant'],
      ['<object-type>', '<id-or-name>', '<user>', '<level>', 'READ', 'EDIT', 'MANAGE', 'Examples:'],
    ],
    [
      ['permissions', 'revoke'],
      ['<object-type>', '<id-or-name>', '<user>', 'Examples:'],
    ],
    [['audit'], ['list', 'export', 'checkpoint', 'verify', 'prove']],
    [
      ['audit', 'list'],
      [
        '--object-type',
        '--object-id',
        '--actor',
        '--action',
        '--since',
        '--until',
        '--max-results',
        '--json',
        'Examples:',
      ],
    ],
    [
      ['audit', 'export'],
      ['--format', 'jsonl', '--output', 'Examples:'],
    ],
    [
      ['audit', 'checkpoint'],
      ['--output', 'Examples:'],
    ],
    [
      ['audit', 'verify'],
      ['--url', '--data-dir', '--db', '--against', '--key', 'Examples:'],
    ],
    [
      ['audit', 'prove'],
      ['<event-seq>', '--tree-size', '--against', '--key', '--json', 'Examples:'],
    ],
  ])('provena %j --help exits 0 and describes its options', async (command, mentions) => {
    const result = await runCli([...command, '--help'])

    expect(result.code).toBe(0)
    for (const mention of mentions) expect(result.stdout).toContain(mention)
  })
})

describe('provena', () => {
  it('exits 2 on a usage error', async () => {
    const result = await runCli(['experiments', 'list', '--no-such-option'])

    expect(result.code).toBe(2)
    expect(result.stderr).toContain("unknown option '--no-such-option'")
  })

  it('starts no command when the server cannot be reached', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`

    const result = await runCli(['run', '--url', url, '--', process.execPath, '-e', "console.log('started')"])

    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain(`cannot reach the Provena server at ${url}`)
  })

  it('says how to start the server when none is listening at the URL', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`

    const result = await runCli(['experiments', 'list', '--url', url])

    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      new RegExp(
        `^provena: cannot reach the Provena server at ${url} — is \`provena server\` running\\?.*ECONNREFUSED`,
      ),
    )
  })
})
