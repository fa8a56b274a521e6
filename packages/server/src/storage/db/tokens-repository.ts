import type { ApiToken } from '@provena/contract'
import type { Kysely } from 'kysely'
import type { DB } from './schema.js'
import { executeTemplate } from './statement-templates.js'

export type TokenKind = 'api' | 'session'

/** A token found by its hash, with its owner, as authentication needs it. */
export interface TokenOwner {
  tokenId: string
  tokenName: string
  kind: TokenKind
  expiresAtMs: number | null
  revokedAtMs: number | null
  userId: string
  username: string
  isAdmin: boolean
  isDisabled: boolean
}

export type TokensRepository = ReturnType<typeof createTokensRepository>

export function createTokensRepository(db: Kysely<DB>) {
  return {
    async insert(token: {
      userId: string
      name: string
      kind: TokenKind
      tokenHash: string
      nowMs: number
      expiresAtMs: number | null
    }): Promise<string> {
      const row = await db
        .insertInto('tokens')
        .values({
          userId: Number(token.userId),
          name: token.name,
          kind: token.kind,
          tokenHash: token.tokenHash,
          createdAtMs: token.nowMs,
          expiresAtMs: token.expiresAtMs,
          revokedAtMs: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return String(row.id)
    },

    async findOwnerByHash(tokenHash: string): Promise<TokenOwner | undefined> {
      // Every authenticated request runs this: compiled once (see executeTemplate).
      const [row] = await executeTemplate(
        db,
        'findOwnerByHash',
        (value) =>
          db
            .selectFrom('tokens')
            .innerJoin('users', 'users.id', 'tokens.userId')
            .select([
              'tokens.id as tokenId',
              'tokens.name as tokenName',
              'tokens.kind',
              'tokens.expiresAtMs',
              'tokens.revokedAtMs',
              'users.id as userId',
              'users.username',
              'users.isAdmin',
              'users.isDisabled',
            ])
            .where('tokens.tokenHash', '=', value(0)),
        [tokenHash],
      )
      if (!row) return undefined
      return {
        tokenId: String(row.tokenId),
        tokenName: row.tokenName,
        kind: row.kind as TokenKind,
        expiresAtMs: row.expiresAtMs === null ? null : Number(row.expiresAtMs),
        revokedAtMs: row.revokedAtMs === null ? null : Number(row.revokedAtMs),
        userId: String(row.userId),
        username: row.username,
        isAdmin: row.isAdmin === 1,
        isDisabled: row.isDisabled === 1,
      }
    },

    /** API tokens (not sessions) of one user, or of everyone when `userId` is undefined. */
    async listApiTokens(userId: string | undefined): Promise<ApiToken[]> {
      let query = db
        .selectFrom('tokens')
        .innerJoin('users', 'users.id', 'tokens.userId')
        .select([
          'tokens.id',
          'tokens.name',
          'users.username',
          'tokens.createdAtMs',
          'tokens.expiresAtMs',
          'tokens.revokedAtMs',
        ])
        .where('tokens.kind', '=', 'api')
      if (userId !== undefined) query = query.where('tokens.userId', '=', Number(userId))
      const rows = await query.orderBy('tokens.id').execute()
      return rows.map((r) => ({
        id: String(r.id),
        name: r.name,
        username: r.username,
        createdAtMs: Number(r.createdAtMs),
        expiresAtMs: r.expiresAtMs === null ? null : Number(r.expiresAtMs),
        revokedAtMs: r.revokedAtMs === null ? null : Number(r.revokedAtMs),
      }))
    },

    async findById(
      id: string,
    ): Promise<{ id: string; userId: string; name: string; kind: TokenKind; revokedAtMs: number | null } | undefined> {
      const row = await db
        .selectFrom('tokens')
        .select(['id', 'userId', 'name', 'kind', 'revokedAtMs'])
        .where('id', '=', Number(id))
        .executeTakeFirst()
      if (!row) return undefined
      return {
        id: String(row.id),
        userId: String(row.userId),
        name: row.name,
        kind: row.kind as TokenKind,
        revokedAtMs: row.revokedAtMs === null ? null : Number(row.revokedAtMs),
      }
    },

    async revoke(id: string, nowMs: number): Promise<void> {
      await db.updateTable('tokens').set({ revokedAtMs: nowMs }).where('id', '=', Number(id)).execute()
    },

    async revokeByHash(tokenHash: string, nowMs: number): Promise<void> {
      await db.updateTable('tokens').set({ revokedAtMs: nowMs }).where('tokenHash', '=', tokenHash).execute()
    },
  }
}
