/**
 * The import rules of ../shared/STYLE.md, enforced in `npm run lint`.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles, not even type-only ones.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'contract-is-leaf',
      severity: 'error',
      comment: 'contract is browser-safe: it depends on the schema library only.',
      from: { path: '^packages/contract/src', pathNot: '\\.test\\.ts$' },
      to: { path: '^packages/(sdk|server|cli|web)/|node_modules/(?!zod/)', pathNot: '^packages/contract/' },
    },
    {
      name: 'nothing-imports-server',
      severity: 'error',
      comment: 'Library code reaches the server over HTTP only; the CLI may call its start function.',
      from: { path: '^packages/(contract|sdk|data|web)/src', pathNot: '\\.test\\.ts$|/test-support/' },
      to: { path: '^packages/server/' },
    },
    {
      name: 'cli-server-only-from-server-command',
      severity: 'error',
      comment: "Only the CLI's `server` and `db` commands may start the server or run migrations.",
      from: {
        path: '^packages/cli/src',
        pathNot: '(server-command|db-command|audit-command)\\.ts$|\\.test\\.ts$|/test-support/',
      },
      to: { path: '^packages/server/' },
    },
    {
      name: 'data-uses-contract-only',
      severity: 'error',
      comment:
        'The data library (reading, hashing, profiling, drift) builds on contract only; the CLI and the server use it.',
      from: { path: '^packages/data/src', pathNot: '\\.test\\.ts$|/test-support/' },
      to: { path: '^packages/(sdk|server|cli|web)/' },
    },
    {
      name: 'sdk-uses-contract-only',
      severity: 'error',
      comment: 'The SDK has no runtime dependencies beyond contract.',
      from: { path: '^packages/sdk/src', pathNot: '\\.test\\.ts$|/test-support/' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer'], pathNot: 'node_modules/zod/' },
    },
    {
      name: 'domain-not-http',
      severity: 'error',
      comment: 'domain/ never imports http/, fastify or anything HTTP-shaped.',
      from: { path: '^packages/server/src/domain' },
      to: { path: '^packages/server/src/http|node_modules/(fastify|@fastify|fastify-type-provider-zod)/' },
    },
    {
      name: 'storage-not-domain-or-http',
      severity: 'error',
      comment: 'storage/ never imports domain/ or http/.',
      from: { path: '^packages/server/src/storage' },
      to: { path: '^packages/server/src/(domain|http)/' },
    },
    {
      name: 'only-storage-touches-databases',
      severity: 'error',
      comment: 'Only storage/ imports kysely, pg, better-sqlite3 or the S3 client.',
      // The CLI reads datasets from S3 (remote-data.ts): user data, not a store of Provena's.
      from: {
        path: '^packages/',
        pathNot:
          '^packages/server/src/(storage|test-support)/|^packages/cli/src/commands/remote-data\\.ts$|\\.test\\.ts$',
      },
      to: { path: 'node_modules/(kysely|pg|better-sqlite3|@aws-sdk)/' },
    },
    {
      name: 'only-http-imports-fastify',
      severity: 'error',
      comment: 'Only http/ imports fastify.',
      from: { path: '^packages/', pathNot: '^packages/server/src/(http|test-support)/|\\.test\\.ts$' },
      to: { path: 'node_modules/(fastify|@fastify|fastify-type-provider-zod)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^packages/[^/]+/dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.check.json' },
  },
}
