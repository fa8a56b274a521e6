import path from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig, loadEnv } from 'vite'

// `npm run dev -w packages/web` serves the UI with hot reload and passes API calls on to a
// running server: PROVENA_DEV_API (environment or .env file), default http://127.0.0.1:5100.
export default defineConfig(({ mode }) => {
  const api = loadEnv(mode, import.meta.dirname, 'PROVENA_').PROVENA_DEV_API ?? 'http://127.0.0.1:5100'
  // changeOrigin: the server's Host allow-list knows its own address, not the dev server's.
  const proxy = { target: api, changeOrigin: true }
  return {
    plugins: [react()],
    // The UI is built from the workspace sources of the SDK and contract, so it needs no tsc build first.
    resolve: {
      alias: {
        '@provena/sdk': path.resolve(import.meta.dirname, '../sdk/src/index.ts'),
        '@provena/contract': path.resolve(import.meta.dirname, '../contract/src/index.ts'),
      },
    },
    build: { outDir: 'dist/app', emptyOutDir: true, chunkSizeWarningLimit: 1000 },
    server: { port: 5173, proxy: { '/api': proxy, '/healthz': proxy } },
  }
})
