import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import main from '../../vitest.config.js'

// The suite's own configuration (global setup included), running only the failing canary.
export default defineConfig({
  ...main,
  test: {
    ...main.test,
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['scripts/exit-status-canary/*.test.ts'],
  },
})
