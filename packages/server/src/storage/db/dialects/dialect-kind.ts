export type DialectKind = 'sqlite' | 'postgres'

/** Tells a database URL's dialect: `postgres://` / `postgresql://` is PostgreSQL, anything else a SQLite path. */
export function dialectOf(url: string): DialectKind {
  return /^postgres(ql)?:\/\//i.test(url) ? 'postgres' : 'sqlite'
}
