import { type Kysely, type Migration, sql } from 'kysely'
import { addAutoIncrementId } from '../dialects/auto-increment.js'
import type { DialectKind } from '../dialects/dialect-kind.js'

/** The model registry: models, versions with frozen file lists, aliases and their history, promotion requests. */
export function registryMigration(kind: DialectKind): Migration {
  const pathType = kind === 'postgres' ? sql`text collate "C"` : sql`text`
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('registered_models')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text')
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .execute()
      await db.schema
        .createTable('registered_model_tags')
        .addColumn('model_id', 'text', (c) => c.notNull().references('registered_models.id'))
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('registered_model_tags_pk', ['model_id', 'key'])
        .execute()

      await db.schema
        .createTable('model_versions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('model_id', 'text', (c) => c.notNull().references('registered_models.id'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text')
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('file_count', 'integer', (c) => c.notNull())
        .addColumn('size_bytes', 'bigint', (c) => c.notNull())
        .addColumn('manifest_json', 'text')
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addUniqueConstraint('model_versions_number_uq', ['model_id', 'version'])
        .execute()
      await db.schema
        .createTable('model_version_tags')
        .addColumn('version_id', 'text', (c) => c.notNull().references('model_versions.id'))
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('model_version_tags_pk', ['version_id', 'key'])
        .execute()
      await db.schema
        .createTable('model_version_files')
        .addColumn('version_id', 'text', (c) => c.notNull().references('model_versions.id'))
        .addColumn('path', pathType, (c) => c.notNull())
        .addColumn('size_bytes', 'bigint', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('model_version_files_pk', ['version_id', 'path'])
        .execute()

      // The parts of a version's model card that people write (the rest comes from the source run).
      await db.schema
        .createTable('model_cards')
        .addColumn('version_id', 'text', (c) => c.primaryKey().references('model_versions.id'))
        .addColumn('fields_json', 'text', (c) => c.notNull())
        .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute()

      await db.schema
        .createTable('model_aliases')
        .addColumn('model_id', 'text', (c) => c.notNull().references('registered_models.id'))
        .addColumn('alias', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('model_aliases_pk', ['model_id', 'alias'])
        .execute()
      await db.schema
        .createTable('protected_aliases')
        .addColumn('model_id', 'text', (c) => c.notNull().references('registered_models.id'))
        .addColumn('alias', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('protected_aliases_pk', ['model_id', 'alias'])
        .execute()
      // Every move of an alias (and every stage change, alias 'stage:<name>'), in order.
      await addAutoIncrementId(db.schema.createTable('alias_events'), kind)
        .addColumn('model_id', 'text', (c) => c.notNull().references('registered_models.id'))
        .addColumn('alias', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('from_version', 'integer')
        .addColumn('to_version', 'integer')
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('at_ms', 'bigint', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('promotion_request_id', 'text')
        .execute()
      await db.schema
        .createIndex('alias_events_model_alias_idx')
        .on('alias_events')
        .columns(['model_id', 'alias', 'id'])
        .execute()

      // Subscriptions to registry events. The secret signs deliveries (HMAC-SHA256), so it is kept
      // as given (a hash could not sign); it is shown once, when the webhook is created.
      await db.schema
        .createTable('webhooks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('model_id', 'text', (c) => c.notNull().references('registered_models.id'))
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('events_json', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .execute()
      // The outbox: written in the transaction of the change, delivered (and retried) afterwards.
      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id'))
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('payload_json', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at_ms', 'bigint')
        .addColumn('last_status_code', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('delivered_at_ms', 'bigint')
        .execute()
      await db.schema
        .createIndex('webhook_deliveries_due_idx')
        .on('webhook_deliveries')
        .columns(['status', 'next_attempt_at_ms'])
        .execute()
      await db.schema
        .createIndex('webhook_deliveries_webhook_idx')
        .on('webhook_deliveries')
        .columns(['webhook_id', 'created_at_ms'])
        .execute()

      await db.schema
        .createTable('promotion_requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('model_id', 'text', (c) => c.notNull().references('registered_models.id'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('alias', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('requested_by_user_id', 'text')
        .addColumn('requested_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('decided_by', 'text')
        .addColumn('decided_at_ms', 'bigint')
        .addColumn('comment', 'text')
        .execute()
      await db.schema
        .createIndex('promotion_requests_model_idx')
        .on('promotion_requests')
        .columns(['model_id', 'status'])
        .execute()
    },
  }
}
