// @ts-check

/*
 * Cutovers, their approvals and the append-only history of what happened to them.
 *
 * Times are ISO-8601 UTC strings of fixed width (Date#toISOString), so they sort and compare as
 * text identically on SQLite and PostgreSQL and come back as the API's strings untouched.
 * JSON columns are text for the same reason: one representation on both databases.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('bluegreen_cutovers', table => {
    table.string('id', 36).primary();
    table.string('entity_ref').notNullable();
    table.string('status', 16).notNullable();
    table.text('action').notNullable();
    table.text('reason').notNullable();
    table.string('requested_by').notNullable();
    table.integer('approvals_required').notNullable();
    table.integer('approval_count').notNullable().defaultTo(0);
    table.text('plan').notNullable();
    table.text('outcome').nullable();
    table.string('rollback_of', 36).nullable();
    table.string('created_at', 32).notNullable();
    table.string('updated_at', 32).notNullable();
    table.string('expires_at', 32).notNullable();
    table.string('lease_owner').nullable();
    table.string('lease_until', 32).nullable();
    // entity_ref while the cutover is open, NULL once it ended: the unique index lets the
    // database, not a read before the write, refuse a second open cutover of one entity, on
    // every replica. NULLs never collide in a unique index on SQLite or PostgreSQL.
    table.string('open_entity_ref').nullable();
    table.unique(['open_entity_ref'], {
      indexName: 'bluegreen_cutovers_one_open_per_entity',
    });
    // Lists newest first: by entity, and by status (the approvals queue is status `requested`).
    table.index(
      ['entity_ref', 'created_at', 'id'],
      'bluegreen_cutovers_by_entity',
    );
    table.index(['status', 'created_at', 'id'], 'bluegreen_cutovers_by_status');
  });

  await knex.schema.createTable('bluegreen_cutover_approvals', table => {
    table
      .string('cutover_id', 36)
      .notNullable()
      .references('id')
      .inTable('bluegreen_cutovers')
      .onDelete('CASCADE');
    table.string('approver').notNullable();
    table.text('comment').nullable();
    table.string('at', 32).notNullable();
    // One approval per person; also serves "has this user approved it yet" for the queue.
    table.unique(['cutover_id', 'approver'], {
      indexName: 'bluegreen_cutover_approvals_once',
    });
  });

  await knex.schema.createTable('bluegreen_cutover_events', table => {
    table.increments('id').primary();
    table
      .string('cutover_id', 36)
      .notNullable()
      .references('id')
      .inTable('bluegreen_cutovers');
    table.string('entity_ref').notNullable();
    table.string('type', 16).notNullable();
    table.string('actor').notNullable();
    table.string('at', 32).notNullable();
    table.string('status', 16).notNullable();
    table.text('comment').nullable();
    table.text('objects').nullable();
    table.text('outcome').nullable();
    table.index(['entity_ref', 'id'], 'bluegreen_cutover_events_by_entity');
    table.index(['cutover_id', 'id'], 'bluegreen_cutover_events_by_cutover');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('bluegreen_cutover_events');
  await knex.schema.dropTable('bluegreen_cutover_approvals');
  await knex.schema.dropTable('bluegreen_cutovers');
};
