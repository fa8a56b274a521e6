import type { ResponseSchema } from './http-client.js'

/**
 * The schema of an answer `{ [key]: T }` that yields the T, for answers the contract has no
 * schema of its own for (e.g. `{ permission }`).
 */
export function memberSchema<T>(key: string, schema: ResponseSchema<T>): ResponseSchema<T> {
  return {
    safeParse(input) {
      if (typeof input !== 'object' || input === null || !(key in input)) {
        return { success: false, error: { message: `expected an object with '${key}'` } }
      }
      return schema.safeParse((input as Record<string, unknown>)[key])
    },
  }
}
