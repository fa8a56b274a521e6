import { afterEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_TRACKING_URI, resolveClientConfig } from './config.js'
import { InvalidInputError } from './index.js'

describe('resolveClientConfig', () => {
  afterEach(() => {
    vi.unstubAllEnvs()
  })

  it('takes the URL and token from PROVENA_TRACKING_URI and PROVENA_TOKEN', () => {
    vi.stubEnv('PROVENA_TRACKING_URI', 'http://tracking.example:8080/')
    vi.stubEnv('PROVENA_TOKEN', 'secret')

    expect(resolveClientConfig()).toMatchObject({ url: 'http://tracking.example:8080', token: 'secret' })
  })

  it('prefers the options over the environment', () => {
    vi.stubEnv('PROVENA_TRACKING_URI', 'http://from-env')
    vi.stubEnv('PROVENA_TOKEN', 'from-env')

    expect(resolveClientConfig({ url: 'http://from-options//', token: 'from-options' })).toMatchObject({
      url: 'http://from-options',
      token: 'from-options',
    })
  })

  it('falls back to the local default server and the default batching', () => {
    vi.stubEnv('PROVENA_TRACKING_URI', '')
    vi.stubEnv('PROVENA_TOKEN', '')

    expect(resolveClientConfig()).toMatchObject({
      url: DEFAULT_TRACKING_URI,
      token: undefined,
      batchSize: 1000,
      flushIntervalMs: 1000,
      maxRetries: 5,
    })
  })

  it('keeps an empty URL, for requests relative to a web page', () => {
    expect(resolveClientConfig({ url: '' }).url).toBe('')
  })

  it('rejects a batch size the server would refuse', () => {
    expect(() => resolveClientConfig({ batchSize: 20_000 })).toThrow(InvalidInputError)
  })

  it('sends a user name and password instead of PROVENA_TOKEN when they are given', () => {
    vi.stubEnv('PROVENA_TOKEN', 'from-env')

    expect(resolveClientConfig({ username: 'alice', password: 'secret' })).toMatchObject({
      token: undefined,
      basicCredentials: { username: 'alice', password: 'secret' },
    })
  })

  it('rejects a token together with a user name and password', () => {
    expect(() => resolveClientConfig({ token: 't', username: 'alice', password: 'secret' })).toThrow(InvalidInputError)
  })

  it('rejects a user name without a password', () => {
    expect(() => resolveClientConfig({ username: 'alice' })).toThrow(InvalidInputError)
  })

  it('turns capture off with PROVENA_CAPTURE=false and reads extra names from PROVENA_CAPTURE_ENV', () => {
    vi.stubEnv('PROVENA_CAPTURE', 'false')
    vi.stubEnv('PROVENA_CAPTURE_ENV', 'MY_SEED, MY_MODE')

    expect(resolveClientConfig().capture).toMatchObject({ isEnabled: false, extraEnvNames: ['MY_SEED', 'MY_MODE'] })
  })

  it('captures by default, and the option wins over the environment', () => {
    vi.stubEnv('PROVENA_CAPTURE', 'off')

    expect([
      resolveClientConfig({ capture: true }).capture.isEnabled,
      resolveClientConfig({}).capture.isEnabled,
    ]).toEqual([true, false])
    vi.stubEnv('PROVENA_CAPTURE', '')
    expect(resolveClientConfig().capture.isEnabled).toBe(true)
  })
})
