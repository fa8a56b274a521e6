import { type CreateUserBody, ListUsersResponse, type UpdateUserBody, type User, UserResponse } from '@provena/contract'
import type { HttpClient } from './http-client.js'

/** Local user accounts; every call but a user's own password change needs an admin. */
export interface UsersApi {
  /** Creates a user; `isAdmin` defaults to false. */
  create(input: CreateUserBody): Promise<User>
  list(): Promise<User[]>
  /** Changes whether a user is disabled or an admin, or their password (users may change their own). */
  update(username: string, patch: UpdateUserBody): Promise<User>
  /** A disabled user can no longer sign in, and their tokens stop working, until enabled again. */
  disable(username: string): Promise<User>
  enable(username: string): Promise<User>
}

const BASE = '/api/v1/users'

/** Binds the user calls of the REST API to one HTTP client. */
export function createUsersApi(http: HttpClient): UsersApi {
  const update = async (username: string, patch: UpdateUserBody) =>
    (
      await http.request({
        method: 'PATCH',
        path: `${BASE}/${encodeURIComponent(username)}`,
        body: patch,
        response: UserResponse,
        isIdempotent: true,
      })
    ).user
  return {
    // Not idempotent: after a lost answer a second attempt would fail with ALREADY_EXISTS.
    create: async (input) =>
      (await http.request({ method: 'POST', path: BASE, body: input, response: UserResponse, isIdempotent: false }))
        .user,
    list: async () =>
      (await http.request({ method: 'GET', path: BASE, response: ListUsersResponse, isIdempotent: true })).users,
    update,
    disable: (username) => update(username, { isDisabled: true }),
    enable: (username) => update(username, { isDisabled: false }),
  }
}
