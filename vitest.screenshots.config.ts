import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url))

// `npm run screenshots`: the pictures of the main pages in docs/screenshots/, taken in headless
// Chromium from a real server with demo data (SQLite only, so no PostgreSQL is started).
export default defineConfig({
  resolve: { alias: { '@provena/contract': src('contract'), '@provena/sdk': src('sdk') } },
  test: {
    include: ['packages/web/src/e2e/screenshots.ts'],
    testTimeout: 120_000,
    hookTimeout: 240_000,
  },
})
