import { existsSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildCli, cleanEnv, runCli, startCliServer, tempDir } from '../test-support/cli-process.js'

beforeAll(buildCli)

describe('provena server', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'prints where it listens and its data, serves the API, and on %s closes and exits 0',
    async (signal) => {
      const dataDir = tempDir()
      const server = await startCliServer(['--port', '0', '--data-dir', dataDir, '--log-level', 'warn'])
      const health = await fetch(`${server.url}/healthz`)

      server.child.kill(signal)
      const exit = await server.exited

      expect({ health: health.status, exit, hasDatabase: existsSync(path.join(dataDir, 'provena.db')) }).toEqual({
        health: 200,
        exit: { code: 0, signal: null },
        hasDatabase: true,
      })
      expect(server.stdout()).toContain(`  data dir: ${dataDir}\n  database: ${path.join(dataDir, 'provena.db')}\n`)
      expect(server.stdout()).toContain('auth:     off (local admin, loopback only)')
      expect(server.stdout()).toMatch(/Provena server stopped\.\n$/)
    },
  )

  it('refuses a non-loopback host without --insecure-no-auth and exits 1', async () => {
    const result = await runCli(['server', '--host', '0.0.0.0', '--data-dir', tempDir()])

    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /^provena: refusing to listen on 0\.0\.0\.0 without authentication.*--insecure-no-auth/,
    )
  })

  it('rejects an invalid --port naming the flag, without a stack trace, and exits 1', async () => {
    const result = await runCli(['server', '--port', 'abc', '--data-dir', tempDir()])

    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^provena: invalid --port \/ PROVENA_PORT: .*\n$/)
  })

  it('takes settings from PROVENA_* variables when the flag is absent', async () => {
    const result = await runCli(['server', '--data-dir', tempDir()], cleanEnv({ PROVENA_PORT: 'abc' }))

    expect(result.code).toBe(1)
    expect(result.stderr).toContain('PROVENA_PORT')
  })
})
