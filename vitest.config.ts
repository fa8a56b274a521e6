import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url))

export default defineConfig({
  resolve: {
    // Tests run against the workspace sources, so `npm test` needs no build first.
    alias: {
      '@provena/contract': src('contract'),
      '@provena/sdk': src('sdk'),
      '@provena/data': src('data'),
      '@provena/server': src('server'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'bench/**/*.test.ts'],
    globalSetup: ['./scripts/test-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
})
