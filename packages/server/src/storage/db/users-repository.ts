import { AlreadyExistsError, type User } from '@provena/contract'
import type { Kysely, Selectable } from 'kysely'
import type { UsersTable } from './access-schema.js'
import { isUniqueViolation } from './dialects/unique-violation.js'
import type { DB } from './schema.js'

/** A user with the stored password hash, which never leaves the server. */
export interface UserRecord extends User {
  passwordHash: string | null
}

export type UsersRepository = ReturnType<typeof createUsersRepository>

function toRecord(row: Selectable<UsersTable>): UserRecord {
  return {
    id: String(row.id),
    username: row.username,
    passwordHash: row.passwordHash,
    isAdmin: row.isAdmin === 1,
    isDisabled: row.isDisabled === 1,
    createdAtMs: Number(row.createdAtMs),
  }
}

export function createUsersRepository(db: Kysely<DB>) {
  return {
    async insert(user: {
      username: string
      passwordHash: string
      isAdmin: boolean
      nowMs: number
    }): Promise<UserRecord> {
      try {
        const row = await db
          .insertInto('users')
          .values({
            username: user.username,
            passwordHash: user.passwordHash,
            isAdmin: user.isAdmin ? 1 : 0,
            isDisabled: 0,
            createdAtMs: user.nowMs,
          })
          .returningAll()
          .executeTakeFirstOrThrow()
        return toRecord(row)
      } catch (error) {
        if (isUniqueViolation(error))
          throw new AlreadyExistsError(`a user named '${user.username}' exists already`, { cause: error })
        throw error
      }
    },

    async findByUsername(username: string): Promise<UserRecord | undefined> {
      const row = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst()
      return row && toRecord(row)
    },

    async findById(id: string): Promise<UserRecord | undefined> {
      const row = await db.selectFrom('users').selectAll().where('id', '=', Number(id)).executeTakeFirst()
      return row && toRecord(row)
    },

    async list(): Promise<UserRecord[]> {
      const rows = await db.selectFrom('users').selectAll().orderBy('username').execute()
      return rows.map(toRecord)
    },

    async count(): Promise<number> {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow()
      return Number(row.count)
    },

    async update(id: string, patch: { isDisabled?: boolean; isAdmin?: boolean; passwordHash?: string }): Promise<void> {
      await db
        .updateTable('users')
        .set({
          ...(patch.isDisabled === undefined ? {} : { isDisabled: patch.isDisabled ? 1 : 0 }),
          ...(patch.isAdmin === undefined ? {} : { isAdmin: patch.isAdmin ? 1 : 0 }),
          ...(patch.passwordHash === undefined ? {} : { passwordHash: patch.passwordHash }),
        })
        .where('id', '=', Number(id))
        .execute()
    },
  }
}
