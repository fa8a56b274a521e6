import { InvalidInputError } from '@provena/contract'
import type { FastifyInstance } from 'fastify'
import { hasLoneSurrogate } from '../domain/audit/has-lone-surrogate.js'

// Only a \uD800-\uDFFF escape in the raw text can produce a lone surrogate (raw UTF-8 cannot).
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F][0-9a-fA-F]{2}/

function containsLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return hasLoneSurrogate(value)
  if (Array.isArray(value)) return value.some(containsLoneSurrogate)
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).some(([key, item]) => hasLoneSurrogate(key) || containsLoneSurrogate(item))
  }
  return false
}

/**
 * JSON bodies go through Fastify's own parser (which refuses prototype poisoning), and are
 * refused when they hold an unpaired UTF-16 surrogate: such a string has no UTF-8 bytes, so it
 * could be neither stored faithfully nor hashed into the audit trail.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8')
    parse(request, text, (error, value) => {
      if (error) return done(error, undefined)
      if (SURROGATE_ESCAPE.test(text) && containsLoneSurrogate(value)) {
        return done(
          new InvalidInputError('the JSON body contains an unpaired UTF-16 surrogate (\\uD800-\\uDFFF)'),
          undefined,
        )
      }
      done(null, value)
    })
  })
}
