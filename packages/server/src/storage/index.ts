export { type Database, type DatabaseOptions, openDatabase } from './db/database.js'
export { type DialectKind, dialectOf } from './db/dialects/dialect-kind.js'
export { migrateToLatest } from './db/migrator.js'
export { createStore, type Store } from './store.js'
