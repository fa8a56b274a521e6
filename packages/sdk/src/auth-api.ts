import { type User, UserResponse, WhoAmIResponse } from '@provena/contract'
import { type HttpClient, NO_CONTENT } from './http-client.js'

/** Who the client acts as, and browser sessions. */
export interface AuthApi {
  /** Who the server takes this client for, and whether it checks credentials at all. */
  whoami(): Promise<WhoAmIResponse>
  /**
   * Opens a session: the server answers with an HttpOnly cookie, which a browser keeps and sends
   * with later requests. Outside a browser nothing keeps the cookie; use a token, or the
   * `username` and `password` options (e.g. to create a token), instead.
   */
  login(username: string, password: string): Promise<User>
  /** Ends the browser session of `login`. */
  logout(): Promise<void>
}

/** Binds the sign-in calls of the REST API to one HTTP client. */
export function createAuthApi(http: HttpClient): AuthApi {
  return {
    whoami: () =>
      http.request({ method: 'GET', path: '/api/v1/auth/whoami', response: WhoAmIResponse, isIdempotent: true }),
    // Not idempotent: every attempt opens a session, and every failed one counts towards the rate limit.
    login: async (username, password) =>
      (
        await http.request({
          method: 'POST',
          path: '/api/v1/auth/login',
          body: { username, password },
          response: UserResponse,
          isIdempotent: false,
        })
      ).user,
    logout: () =>
      http.request({ method: 'POST', path: '/api/v1/auth/logout', response: NO_CONTENT, isIdempotent: true }),
  }
}
