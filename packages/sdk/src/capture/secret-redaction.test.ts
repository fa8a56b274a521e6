import { describe, expect, it } from 'vitest'
import { allowedEnvironment } from './environment-facts.js'
import { createSecretRedactor, createStreamRedaction, isSecretName, secretValuesOf } from './secret-redaction.js'

describe('isSecretName', () => {
  it.each([
    'AWS_SECRET_ACCESS_KEY',
    'AWS_ACCESS_KEY_ID',
    'GITHUB_TOKEN',
    'MLFLOW_TRACKING_TOKEN',
    'DB_PASSWORD',
    'OPENAI_API_KEY',
    'my-apikey',
    'SESSION_COOKIE',
    'SENTRY_DSN',
  ])('treats %s as secret', (name) => {
    expect(isSecretName(name)).toBe(true)
  })

  it.each(['PWD', 'HOME', 'PATH', 'CUDA_VISIBLE_DEVICES', 'KEYBOARD_LAYOUT', 'MONKEY'])(
    'treats %s as ordinary',
    (name) => {
      expect(isSecretName(name)).toBe(false)
    },
  )
})

describe('secretValuesOf', () => {
  it('takes secret-named values, secret-shaped values and URL passwords, ignoring short values', () => {
    const env = {
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG',
      SOME_VAR: 'ghp_abcdefghijklmnopqrstuvwxyz0123',
      DATABASE_URL: 'postgres://app:pw-very-secret@db/prod',
      HOME: '/home/alice',
      API_KEY: 'x1',
    }

    expect(secretValuesOf(env).sort()).toEqual(
      [
        'wJalrXUtnFEMI/K7MDENG',
        'ghp_abcdefghijklmnopqrstuvwxyz0123',
        'postgres://app:pw-very-secret@db/prod',
        'pw-very-secret',
      ].sort(),
    )
  })
})

describe('createStreamRedaction', () => {
  it('redacts a secret split across chunks and passes other text through unchanged', () => {
    const redaction = createStreamRedaction(createSecretRedactor({ HF_TOKEN: 'hf_SECRETVALUE123' }))

    const out = [
      redaction.push('start hf_SEC'),
      redaction.push('RETVAL'),
      redaction.push('UE123 middle hf_'),
      redaction.push('SECRETVALUE123'),
      redaction.end(),
    ].join('')

    expect(out).toBe('start [redacted] middle [redacted]')
  })

  it('passes complete lines on at once, holding back only the unfinished line', () => {
    const redaction = createStreamRedaction(createSecretRedactor({ HF_TOKEN: 'hf_SECRETVALUE123' }))

    expect(redaction.push('epoch 1 hf_SECRETVALUE123\nepoch 2 hf_SEC')).toBe('epoch 1 [redacted]\n')
    expect(redaction.push('RETVALUE123\n')).toBe('epoch 2 [redacted]\n')
  })
})

describe('allowedEnvironment', () => {
  it('keeps only allow-listed names, and hides a secret-looking value even of an allowed name', () => {
    const env = {
      CUDA_VISIBLE_DEVICES: '0,1',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG',
      HOME: '/home/alice',
      MY_SETTING: 'postgres://u:hunter22@h/db',
      MY_TOKEN: 'abcdefgh',
    }

    expect(allowedEnvironment(env, ['MY_SETTING', 'MY_TOKEN'])).toEqual({
      CUDA_VISIBLE_DEVICES: '0,1',
      MY_SETTING: '[redacted]',
      MY_TOKEN: '[redacted]',
    })
  })
})
