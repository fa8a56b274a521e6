/**
 * Who is acting. Until access control lands every request is the local admin; the type is the
 * seam where users and tokens will plug in, so every service takes it already.
 */
export interface Principal {
  kind: 'local-admin'
  name: string
}

export const LOCAL_ADMIN: Principal = { kind: 'local-admin', name: 'admin' }
