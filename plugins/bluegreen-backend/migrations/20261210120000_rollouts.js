// @ts-check

/*
 * Progressive rollouts: the state of a rollout on its cutover's row, so that each step is one
 * conditional UPDATE of that row and a restarted backend reads everything it needs back.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('bluegreen_cutovers', table => {
    // The RolloutState as JSON: settings, current step, every step's weights and measurements.
    table.text('rollout').nullable();
    // The routes before the rollout and as it last wrote them, per object and path, as JSON:
    // what a rollback restores and what it expects to find. Not part of the API.
    table.text('rollout_routes').nullable();
    // Grows with every write of the engine; its updates are conditional on the value they read.
    table.integer('rollout_revision').notNullable().defaultTo(0);
    // When the scheduler task must look at the rollout next (ISO-8601), NULL while paused.
    table.string('rollout_due_at', 32).nullable();
    // Requests from people, written beside the engine's state so that neither overwrites the
    // other; the engine acts on them on its next tick and clears them with its own update.
    table.string('rollout_pause_by').nullable();
    table.string('rollout_promote_by').nullable();
    table.string('rollout_abort_by').nullable();
    table.index(
      ['status', 'rollout_due_at'],
      'bluegreen_cutovers_rollouts_due',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('bluegreen_cutovers', table => {
    table.dropIndex(
      ['status', 'rollout_due_at'],
      'bluegreen_cutovers_rollouts_due',
    );
    table.dropColumns(
      'rollout',
      'rollout_routes',
      'rollout_revision',
      'rollout_due_at',
      'rollout_pause_by',
      'rollout_promote_by',
      'rollout_abort_by',
    );
  });
};
