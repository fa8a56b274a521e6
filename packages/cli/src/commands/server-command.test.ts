import { existsSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildCli, cleanEnv, runCli, startCliServer, stopCliServer, tempDir } from '../test-support/cli-process.js'

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

  it('serves the web UI of --web-dir at /, and says so when that folder holds no build', async () => {
    const webDir = tempDir()
    const server = await startCliServer([
      '--port',
      '0',
      '--data-dir',
      tempDir(),
      '--log-level',
      'warn',
      '--web-dir',
      webDir,
    ])
    const page = await fetch(`${server.url}/`)
    const body = await page.text()
    server.child.kill('SIGTERM')
    await server.exited

    expect(server.stdout()).toContain(`  web UI:   not built (run npm run build; looked in ${webDir})\n`)
    expect({ status: page.status, saysHow: body.includes('npm run build') }).toEqual({ status: 503, saysHow: true })
  })

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

  it('with --auth, says auth is on and names the first admin whose password came from PROVENA_ADMIN_PASSWORD', async () => {
    const env = cleanEnv({ PROVENA_ADMIN_PASSWORD: 'admin-password-from-env' })
    const server = await startCliServer(['--auth', '--port', '0', '--data-dir', tempDir(), '--log-level', 'warn'], env)
    await stopCliServer(server)

    expect(server.stdout()).toContain('  auth:     on\n')
    expect(server.stdout()).toContain(
      "Created the first admin user 'admin' with the password in PROVENA_ADMIN_PASSWORD.\nPress Ctrl+C to stop.\n",
    )
    expect(server.auditKey).toMatch(/^provena-audit\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/)
  })

  it('prints a generated admin password at the first start only, and keeps the audit key across restarts', async () => {
    const dataDir = tempDir()
    const args = ['--auth', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn']
    const first = await startCliServer(args)
    const password = /shown only this once:\n\n {4}(\S+)\n/.exec(first.stdout())?.[1] ?? ''
    const configDir = tempDir()
    const login = await runCli(
      ['login', '--url', first.url, '--username', 'admin'],
      cleanEnv({ PROVENA_CONFIG_DIR: configDir }),
      `${password}\n`,
    )
    await stopCliServer(first)

    const second = await startCliServer(args)
    await stopCliServer(second)

    expect(password).toMatch(/^[\w-]{20,}$/)
    expect(login).toMatchObject({ code: 0, stderr: '' })
    expect(second.stdout()).not.toContain('Created the first admin')
    expect(second.auditKey).toBe(first.auditKey)
  })

  it('rejects a --default-permission that is not a level as a usage error', async () => {
    const result = await runCli(['server', '--default-permission', 'ALL', '--data-dir', tempDir()])

    expect(result.code).toBe(2)
    expect(result.stderr).toContain("argument 'ALL' is invalid. Allowed choices are NONE, READ, EDIT, MANAGE.")
  })

  it('passes --audit-checkpoint-every on to the server configuration', async () => {
    const result = await runCli(['server', '--audit-checkpoint-every', '0', '--data-dir', tempDir()])

    expect(result.code).toBe(1)
    expect(result.stderr).toContain('PROVENA_AUDIT_CHECKPOINT_EVERY')
  })
})
