import type { Kysely, Migration } from 'kysely'
import { addAutoIncrementId } from '../dialects/auto-increment.js'
import type { DialectKind } from '../dialects/dialect-kind.js'

/** Users, tokens, per-object permissions, and the audit trail with its chain head and checkpoints. */
export function accessAndAuditMigration(kind: DialectKind): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await addAutoIncrementId(db.schema.createTable('users'), kind)
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text')
        .addColumn('is_admin', 'integer', (c) => c.notNull())
        .addColumn('is_disabled', 'integer', (c) => c.notNull())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .execute()

      await addAutoIncrementId(db.schema.createTable('tokens'), kind)
        .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('expires_at_ms', 'bigint')
        .addColumn('revoked_at_ms', 'bigint')
        .execute()
      await db.schema.createIndex('tokens_user_idx').on('tokens').columns(['user_id', 'kind']).execute()

      await db.schema
        .createTable('permissions')
        .addColumn('object_type', 'text', (c) => c.notNull())
        .addColumn('object_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
        .addColumn('level', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('permissions_pk', ['object_type', 'object_id', 'user_id'])
        .execute()
      await db.schema
        .createIndex('permissions_user_idx')
        .on('permissions')
        .columns(['user_id', 'object_type'])
        .execute()

      await db.schema
        .createTable('audit_events')
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('time_ms', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('actor_kind', 'text', (c) => c.notNull())
        .addColumn('source_ip', 'text')
        .addColumn('request_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('object_type', 'text', (c) => c.notNull())
        .addColumn('object_id', 'text')
        .addColumn('before_json', 'text', (c) => c.notNull())
        .addColumn('after_json', 'text', (c) => c.notNull())
        .addColumn('details_json', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('audit_object_idx')
        .on('audit_events')
        .columns(['object_type', 'object_id', 'seq'])
        .execute()
      await db.schema.createIndex('audit_actor_idx').on('audit_events').columns(['actor', 'seq']).execute()
      await db.schema.createIndex('audit_action_idx').on('audit_events').columns(['action', 'time_ms']).execute()
      await db.schema.createIndex('audit_time_idx').on('audit_events').columns(['time_ms']).execute()

      // The one row every append locks and moves forward: it serialises the chain across replicas.
      await db.schema
        .createTable('audit_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute()
      await db
        .insertInto('audit_head' as never)
        .values({ id: 1, seq: 0, hash: '0'.repeat(64) } as never)
        .execute()

      await db.schema
        .createTable('audit_checkpoints')
        .addColumn('tree_size', 'bigint', (c) => c.primaryKey())
        .addColumn('root_hash', 'text', (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .execute()
    },
  }
}
