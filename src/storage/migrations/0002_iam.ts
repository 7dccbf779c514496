import { sql, type Kysely } from 'kysely';

/**
 * IAM: managed policy names are unique regardless of case (CreatePolicy's EntityAlreadyExists),
 * enforced by the database so that concurrent worker processes cannot both create one; and
 * attachments are looked up by policy (AttachmentCount, DeletePolicy's DeleteConflict).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('managed_policies_name_key')
    .on('managed_policies')
    .unique()
    .expression(sql`lower(policy_name)`)
    .execute();
  await db.schema.createIndex('role_attached_policies_policy').on('role_attached_policies').column('policy_arn').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('role_attached_policies_policy').ifExists().execute();
  await db.schema.dropIndex('managed_policies_name_key').ifExists().execute();
}
