export { ConfigError, loadServerConfig, type ServerConfig, type ServerFlags } from './config.js'
export { migrateDatabase, type RunningServer, startServer } from './main.js'
