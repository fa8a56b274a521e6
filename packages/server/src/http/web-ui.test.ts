import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateSignerKey } from '../domain/audit/signed-note.js'
import { createServices } from '../services.js'
import { createTestBlobStore, openTestStore } from '../test-support/test-app.js'
import { buildApp } from './app.js'

const INDEX = '<!doctype html><title>Provena</title><script type="module" src="/assets/index-abc123.js"></script>'
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(5000))})`

/** A UI build as Vite lays it out: index.html, hashed assets, public files. */
function fakeBuild(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'provena-web-'))
  mkdirSync(path.join(dir, 'assets'))
  writeFileSync(path.join(dir, 'index.html'), INDEX)
  writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), SCRIPT)
  writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
  return dir
}

describe('the web UI routes', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>
  let withUi: Awaited<ReturnType<typeof buildApp>>
  let withoutUi: Awaited<ReturnType<typeof buildApp>>

  beforeAll(async () => {
    store = await openTestStore('sqlite')
    const services = createServices({
      store: store.store,
      blobs: createTestBlobStore(),
      signerKey: generateSignerKey('provena-test'),
    })
    withUi = await buildApp(services, { logLevel: 'silent', webDir: fakeBuild() })
    withoutUi = await buildApp(services, { logLevel: 'silent', webDir: path.join(tmpdir(), 'no-such-provena-build') })
  })
  afterAll(async () => {
    await withUi.close()
    await withoutUi.close()
    await store.database.close()
  })

  it('serves index.html at / and at every page path, never cached, with a content security policy', async () => {
    for (const url of ['/', '/runs', '/runs/0123456789abcdef0123456789abcdef?tab=charts', '/compare?run=a']) {
      const res = await withUi.inject({ url })
      expect(res.statusCode, url).toBe(200)
      expect(res.body, url).toBe(INDEX)
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
      expect(res.headers['cache-control']).toBe('no-cache')
      expect(res.headers['content-security-policy']).toContain("script-src 'self'")
      expect(res.headers['x-frame-options']).toBe('DENY')
    }
  })

  it('serves hashed assets with a long cache, gzipped when the browser accepts it', async () => {
    const plain = await withUi.inject({ url: '/assets/index-abc123.js' })
    expect(plain.statusCode).toBe(200)
    expect(plain.body).toBe(SCRIPT)
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    const gzipped = await withUi.inject({ url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'gzip, br' } })
    expect(gzipped.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(gzipped.rawPayload).toString()).toBe(SCRIPT)
    const icon = await withUi.inject({ url: '/favicon.svg' })
    expect([icon.statusCode, icon.headers['content-type'], icon.headers['cache-control']]).toEqual([
      200,
      'image/svg+xml',
      'no-cache',
    ])
  })

  it('answers a missing asset and an unknown API path with a JSON 404, not the page', async () => {
    for (const url of ['/assets/index-gone.js', '/api/v1/nothing-here', '/api']) {
      const res = await withUi.inject({ url })
      expect(res.statusCode, url).toBe(404)
      expect(res.json().error.code, url).toBe('NOT_FOUND')
    }
  })

  it('never reads a file outside the build, however the path is spelled', async () => {
    for (const url of [
      '/../package.json',
      '/assets/../../index.html',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/assets/..%2f..%2fx',
    ]) {
      const res = await withUi.inject({ url })
      expect(res.body, url).not.toContain('"name"')
      expect(res.body, url).not.toContain('root:')
      expect([200, 404], url).toContain(res.statusCode)
      if (res.statusCode === 200) expect(res.body, url).toBe(INDEX)
    }
  })

  it('says how to build the UI when it is not built, and keeps the API working', async () => {
    const page = await withoutUi.inject({ url: '/' })
    expect(page.statusCode).toBe(503)
    expect(page.body).toContain('npm run build')
    const health = await withoutUi.inject({ url: '/healthz' })
    expect(health.statusCode).toBe(200)
  })
})
