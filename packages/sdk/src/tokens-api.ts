import { type ApiToken, CreatedTokenResponse, type CreateTokenBody, ListTokensResponse } from '@provena/contract'
import { type HttpClient, NO_CONTENT } from './http-client.js'

/** What `tokens.create` takes. */
export interface CreateTokenInput extends CreateTokenBody {
  /** Whose token it is; default: the caller's own. Only an admin may name another user. */
  username?: string
}

/** API tokens: secrets that stand for a user, sent as `Authorization: Bearer <token>`. */
export interface TokensApi {
  /**
   * Creates a token. The answer is the only time its secret is shown: the server keeps a hash.
   * @example const { token, apiToken } = await provena.tokens.create({ name: 'ci', expiresInDays: 90 })
   */
  create(input: CreateTokenInput): Promise<CreatedTokenResponse>
  /** The caller's tokens, or a user's (admins only); an admin without `username` sees everyone's. */
  list(options?: { username?: string }): Promise<ApiToken[]>
  /** Revokes a token by its id; revoking a revoked token again is fine. */
  revoke(tokenId: string): Promise<void>
}

const BASE = '/api/v1/tokens'

/** Binds the token calls of the REST API to one HTTP client. */
export function createTokensApi(http: HttpClient): TokensApi {
  return {
    // Not idempotent: a retry after a lost answer would create a second token.
    create: (input) =>
      http.request({ method: 'POST', path: BASE, body: input, response: CreatedTokenResponse, isIdempotent: false }),
    list: async (options = {}) =>
      (
        await http.request({
          method: 'GET',
          path: BASE,
          query: { username: options.username },
          response: ListTokensResponse,
          isIdempotent: true,
        })
      ).tokens,
    revoke: (tokenId) =>
      http.request({
        method: 'DELETE',
        path: `${BASE}/${encodeURIComponent(tokenId)}`,
        response: NO_CONTENT,
        isIdempotent: true,
      }),
  }
}
