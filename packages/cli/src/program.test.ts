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
    [[], ['server', 'db', 'experiments', 'runs']],
    [
      ['server'],
      [
        '--host',
        '--port',
        '--data-dir',
        '--db',
        '--sqlite-synchronous',
        '--log-level',
        '--insecure-no-auth',
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
