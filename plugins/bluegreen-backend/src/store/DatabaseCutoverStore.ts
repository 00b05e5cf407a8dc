import { randomUUID } from 'node:crypto';
import {
  DatabaseService,
  isDatabaseConflictError,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  OPEN_CUTOVER_STATUSES,
  type Cutover,
  type CutoverApproval,
  type CutoverEvent,
  type CutoverEventType,
  type CutoverHistory,
  type CutoverList,
  type CutoverStatus,
  type RolloutState,
} from '@bluegreen-istio/plugin-bluegreen-common';
import type { Knex } from 'knex';
import type {
  CutoverStore,
  ListQuery,
  NewCutover,
  RolloutRecord,
  RolloutRequest,
  RolloutWrite,
  TransitionRecord,
} from './CutoverStore';

const CUTOVERS = 'bluegreen_cutovers';
const APPROVALS = 'bluegreen_cutover_approvals';
const EVENTS = 'bluegreen_cutover_events';
/** Our own bookkeeping table, so the plugin's migrations never mix with another's in a shared database. */
const MIGRATIONS_TABLE = 'bluegreen_knex_migrations';
const SYSTEM_ACTOR = 'plugin:bluegreen';
const MAX_LIMIT = 500;
/** Attempts of `create` when the open cutover it collided with ended before it could be named. */
const CREATE_ATTEMPTS = 3;

interface CutoverRow {
  id: string;
  entity_ref: string;
  status: CutoverStatus;
  action: string;
  reason: string;
  requested_by: string;
  approvals_required: number;
  approval_count: number;
  plan: string;
  outcome: string | null;
  rollback_of: string | null;
  created_at: string;
  updated_at: string;
  expires_at: string;
  lease_owner: string | null;
  lease_until: string | null;
  open_entity_ref: string | null;
  rollout?: string | null;
  rollout_routes?: string | null;
  rollout_revision?: number;
  rollout_due_at?: string | null;
  rollout_pause_by?: string | null;
  rollout_promote_by?: string | null;
  rollout_abort_by?: string | null;
}

interface ApprovalRow {
  cutover_id: string;
  approver: string;
  comment: string | null;
  at: string;
}

interface EventRow {
  id: number;
  cutover_id: string;
  entity_ref: string;
  type: CutoverEventType;
  actor: string;
  at: string;
  status: CutoverStatus;
  comment: string | null;
  objects: string | null;
  outcome: string | null;
}

type NewEvent = Omit<CutoverEvent, 'id'>;

/**
 * The cutover store on the plugin's database (SQLite or PostgreSQL).
 *
 * Clock: every time, leases included, is the process's clock, written and compared as fixed-width
 * ISO-8601 UTC text. Replicas must keep their clocks in sync (NTP); a lease should be long
 * against the skew between them, since a replica whose clock runs ahead sees leases end early.
 */
export class DatabaseCutoverStore implements CutoverStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseCutoverStore> {
    const db = await options.database.getClient();
    if (!options.skipMigrations && !options.database.migrations?.skip) {
      await db.migrate.latest({
        directory: resolvePackagePath(
          '@bluegreen-istio/plugin-bluegreen-backend',
          'migrations',
        ),
        tableName: MIGRATIONS_TABLE,
      });
    }
    return new DatabaseCutoverStore(db);
  }

  private constructor(private readonly db: Knex) {}

  async create(cutover: NewCutover): Promise<Cutover> {
    const createdAt = (cutover.createdAt ?? new Date()).toISOString();
    const row: CutoverRow = {
      id: randomUUID(),
      entity_ref: cutover.entityRef,
      status: 'requested',
      action: JSON.stringify(cutover.action),
      reason: cutover.reason,
      requested_by: cutover.requestedBy,
      approvals_required: cutover.approvalsRequired,
      approval_count: 0,
      plan: JSON.stringify(cutover.plan),
      outcome: null,
      rollback_of: cutover.rollbackOf ?? null,
      created_at: createdAt,
      updated_at: createdAt,
      expires_at: cutover.expiresAt.toISOString(),
      lease_owner: null,
      lease_until: null,
      open_entity_ref: cutover.entityRef,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.transaction(async tx => {
          await tx(CUTOVERS).insert(row);
          await appendEvent(tx, {
            cutoverId: row.id,
            entityRef: row.entity_ref,
            type: 'requested',
            actor: row.requested_by,
            at: createdAt,
            status: 'requested',
            comment: row.reason,
          });
        });
        return toCutover(row, []);
      } catch (error) {
        if (!isDatabaseConflictError(error)) {
          throw error;
        }
        // The unique index on open_entity_ref refused the insert; name the cutover that holds it.
        const open = await this.findOpen(cutover.entityRef);
        if (open) {
          throw new ConflictError(
            `${cutover.entityRef} already has an open cutover: ${open.id} is ${open.status}`,
          );
        }
        if (attempt === CREATE_ATTEMPTS) {
          throw new ConflictError(
            `${cutover.entityRef} keeps getting new open cutovers; try again`,
          );
        }
      }
    }
  }

  async get(id: string): Promise<Cutover | undefined> {
    return this.read(this.db, id);
  }

  async list(query: ListQuery): Promise<CutoverList> {
    const limit = checkLimit(query.limit);
    const q = this.db<CutoverRow>(CUTOVERS);
    if (query.entityRef !== undefined) {
      q.where('entity_ref', query.entityRef);
    }
    if (query.statuses !== undefined) {
      q.whereIn('status', query.statuses);
    }
    if (query.approvableBy !== undefined) {
      const user = query.approvableBy;
      q.where('status', 'requested')
        .whereNot('requested_by', user)
        .whereNotExists(
          this.db(APPROVALS)
            .select(this.db.raw('1'))
            .whereRaw('??.?? = ??.??', [
              APPROVALS,
              'cutover_id',
              CUTOVERS,
              'id',
            ])
            .where(`${APPROVALS}.approver`, user),
        );
    }
    if (query.cursor !== undefined) {
      const [createdAt, id] = decodeCursor(query.cursor, 2);
      if (typeof createdAt !== 'string' || typeof id !== 'string') {
        throw new InputError('invalid cursor');
      }
      q.where(after =>
        after
          .where('created_at', '<', createdAt)
          .orWhere(same =>
            same.where('created_at', createdAt).where('id', '<', id),
          ),
      );
    }
    const rows: CutoverRow[] = await q
      .select('*')
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit + 1);

    const page = rows.slice(0, limit);
    const approvals = await this.approvalsOf(
      this.db,
      page.map(r => r.id),
    );
    const last = page[page.length - 1];
    return {
      items: page.map(r => toCutover(r, approvals.get(r.id) ?? [])),
      ...(rows.length > limit
        ? { nextCursor: encodeCursor([last.created_at, last.id]) }
        : {}),
    };
  }

  async findOpen(entityRef: string): Promise<Cutover | undefined> {
    const row = await this.db<CutoverRow>(CUTOVERS)
      .where('open_entity_ref', entityRef)
      .first();
    return row && this.withApprovals(this.db, row);
  }

  async findLastApplied(entityRef: string): Promise<Cutover | undefined> {
    // `applied` is final, so updated_at is when it was applied.
    const row = await this.db<CutoverRow>(CUTOVERS)
      .where({ entity_ref: entityRef, status: 'applied' })
      .orderBy([
        { column: 'updated_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first();
    return row && this.withApprovals(this.db, row);
  }

  async approve(
    id: string,
    approver: string,
    comment?: string,
  ): Promise<{ cutover: Cutover; complete: boolean }> {
    const at = new Date().toISOString();
    return this.db.transaction(async tx => {
      // One conditional update counts the approval and, for the last one needed, approves: of
      // concurrent callers only those that find the cutover still `requested` get here.
      const updated = await tx(CUTOVERS)
        .where({ id, status: 'requested' })
        .update({
          approval_count: tx.raw('approval_count + 1'),
          status: tx.raw(
            'CASE WHEN approval_count + 1 >= approvals_required THEN ? ELSE ? END',
            ['approved', 'requested'],
          ),
          updated_at: at,
        });
      if (updated === 0) {
        const current = await tx<CutoverRow>(CUTOVERS)
          .where({ id })
          .first('status');
        if (!current) {
          throw new NotFoundError(`no cutover ${id}`);
        }
        throw new ConflictError(
          `cutover ${id} is ${current.status}, not awaiting approval`,
        );
      }
      try {
        await tx(APPROVALS).insert({
          cutover_id: id,
          approver,
          comment: comment ?? null,
          at,
        });
      } catch (error) {
        // Throwing rolls the count back with the rest of the transaction.
        if (isDatabaseConflictError(error)) {
          throw new ConflictError(`you already approved cutover ${id}`);
        }
        throw error;
      }
      const cutover = (await this.read(tx, id))!;
      await appendEvent(tx, {
        cutoverId: id,
        entityRef: cutover.entityRef,
        type: 'approved',
        actor: approver,
        at,
        status: cutover.status,
        comment,
      });
      return { cutover, complete: cutover.status === 'approved' };
    });
  }

  async transition(
    id: string,
    from: CutoverStatus[],
    to: CutoverStatus,
    record: TransitionRecord,
  ): Promise<Cutover | undefined> {
    if (from.length === 0) {
      return undefined;
    }
    const at = new Date().toISOString();
    return this.db.transaction(async tx => {
      const q = tx(CUTOVERS).where('id', id).whereIn('status', from);
      if (record.rollout?.expectedRevision !== undefined) {
        q.where('rollout_revision', record.rollout.expectedRevision);
      }
      const updated = await q.update({
        ...(record.rollout ? rolloutColumns(tx, record.rollout) : {}),
        // A rollout that ended has no requests left to act on.
        ...(OPEN_CUTOVER_STATUSES.includes(to)
          ? {}
          : {
              rollout_due_at: null,
              rollout_pause_by: null,
              rollout_promote_by: null,
              rollout_abort_by: null,
            }),
        status: to,
        open_entity_ref: OPEN_CUTOVER_STATUSES.includes(to)
          ? tx.raw('??', ['entity_ref'])
          : null,
        // A lease belongs to one claim of `applying`; whatever moves the cutover ends it.
        lease_owner: null,
        lease_until: null,
        updated_at: at,
        ...(record.outcome !== undefined
          ? { outcome: JSON.stringify(record.outcome) }
          : {}),
      });
      if (updated === 0) {
        return undefined;
      }
      const cutover = (await this.read(tx, id))!;
      await appendEvent(tx, {
        cutoverId: id,
        entityRef: cutover.entityRef,
        type: record.type,
        actor: record.actor,
        at,
        status: to,
        comment: record.comment,
        objects: record.objects,
        outcome: record.outcome,
      });
      return cutover;
    });
  }

  async claimForApply(
    id: string,
    owner: string,
    leaseMs: number,
  ): Promise<Cutover | undefined> {
    const now = Date.now();
    return this.lease(
      id,
      owner,
      now,
      leaseMs,
      q => q.where('status', 'approved'),
      'Writing to the cluster.',
    );
  }

  /**
   * A cutover is abandoned when its lease ended, or, `approved` or `applying` without a lease,
   * when nothing happened to it for `leaseMs`: whoever approved it had that long to claim it.
   */
  async claimAbandoned(owner: string, leaseMs: number): Promise<Cutover[]> {
    const now = Date.now();
    const nowIso = new Date(now).toISOString();
    const quietSince = new Date(now - leaseMs).toISOString();
    const abandoned = (q: Knex.QueryBuilder) =>
      q
        .whereIn('status', ['approved', 'applying'])
        .where(lease =>
          lease
            .where(held =>
              held
                .whereNotNull('lease_until')
                .where('lease_until', '<', nowIso),
            )
            .orWhere(unheld =>
              unheld
                .whereNull('lease_until')
                .where('updated_at', '<', quietSince),
            ),
        );
    const candidates: Array<Pick<CutoverRow, 'id' | 'lease_owner'>> =
      await abandoned(this.db(CUTOVERS).select('id', 'lease_owner'));

    const claimed: Cutover[] = [];
    for (const candidate of candidates) {
      const cutover = await this.lease(
        candidate.id,
        owner,
        now,
        leaseMs,
        abandoned,
        candidate.lease_owner
          ? 'The backend instance that was applying this cutover stopped; another one is reconciling it with the cluster.'
          : 'Approved, but no backend instance started applying it; reconciling it with the cluster.',
      );
      if (cutover) {
        claimed.push(cutover);
      }
    }
    return claimed;
  }

  async expireDue(now: Date = new Date()): Promise<Cutover[]> {
    const nowIso = now.toISOString();
    const due = (q: Knex.QueryBuilder) =>
      q.where('status', 'requested').where('expires_at', '<=', nowIso);
    const candidates: Array<Pick<CutoverRow, 'id' | 'expires_at'>> = await due(
      this.db(CUTOVERS).select('id', 'expires_at'),
    );

    const expired: Cutover[] = [];
    for (const candidate of candidates) {
      const outcome = {
        message: `not approved before it expired at ${candidate.expires_at}`,
      };
      const cutover = await this.db.transaction(async tx => {
        const updated = await due(
          tx(CUTOVERS).where('id', candidate.id),
        ).update({
          status: 'expired',
          open_entity_ref: null,
          updated_at: nowIso,
          outcome: JSON.stringify(outcome),
        });
        if (updated === 0) {
          return undefined;
        }
        const row = (await this.read(tx, candidate.id))!;
        await appendEvent(tx, {
          cutoverId: row.id,
          entityRef: row.entityRef,
          type: 'expired',
          actor: SYSTEM_ACTOR,
          at: nowIso,
          status: 'expired',
          outcome,
        });
        return row;
      });
      if (cutover) {
        expired.push(cutover);
      }
    }
    return expired;
  }

  async history(
    entityRef: string,
    page: { limit: number; cursor?: string },
  ): Promise<CutoverHistory> {
    const limit = checkLimit(page.limit);
    // Event ids grow with every append, so they order the history without a tie to break.
    const q = this.db<EventRow>(EVENTS).where('entity_ref', entityRef);
    if (page.cursor !== undefined) {
      const [before] = decodeCursor(page.cursor, 1);
      if (typeof before !== 'number') {
        throw new InputError('invalid cursor');
      }
      q.where('id', '<', before);
    }
    const rows: EventRow[] = await q
      .select('*')
      .orderBy('id', 'desc')
      .limit(limit + 1);
    const events = rows.slice(0, limit);
    return {
      entityRef,
      events: events.map(toEvent),
      ...(rows.length > limit
        ? { nextCursor: encodeCursor([events[events.length - 1].id]) }
        : {}),
    };
  }

  async dueRollouts(now: Date): Promise<RolloutRecord[]> {
    const nowIso = now.toISOString();
    const rows: CutoverRow[] = await this.db<CutoverRow>(CUTOVERS)
      .where('status', 'progressing')
      // A rollout is leased only while a tick claims it (see claimRollout).
      .where(free =>
        free.whereNull('lease_until').orWhere('lease_until', '<=', nowIso),
      )
      .where(due =>
        due
          .where('rollout_due_at', '<=', nowIso)
          .orWhereNotNull('rollout_promote_by')
          .orWhereNotNull('rollout_abort_by')
          .orWhereNotNull('rollout_pause_by'),
      )
      .orderBy([{ column: 'rollout_due_at' }, { column: 'id' }]);
    const approvals = await this.approvalsOf(
      this.db,
      rows.map(r => r.id),
    );
    return rows.map(row => toRolloutRecord(row, approvals.get(row.id) ?? []));
  }

  async getRollout(id: string): Promise<RolloutRecord | undefined> {
    const row = await this.db<CutoverRow>(CUTOVERS).where('id', id).first();
    if (!row?.rollout) {
      return undefined;
    }
    const approvals = await this.approvalsOf(this.db, [id]);
    return toRolloutRecord(row, approvals.get(id) ?? []);
  }

  async claimRollout(
    id: string,
    expectedRevision: number,
    owner: string,
    until: Date,
  ): Promise<boolean> {
    const updated = await this.db(CUTOVERS)
      .where({
        id,
        status: 'progressing',
        rollout_revision: expectedRevision,
      })
      .where(free =>
        free
          .whereNull('lease_until')
          .orWhere('lease_until', '<=', new Date().toISOString()),
      )
      .update({
        rollout_revision: this.db.raw('rollout_revision + 1'),
        lease_owner: owner,
        lease_until: until.toISOString(),
      });
    return updated === 1;
  }

  async updateRollout(
    id: string,
    expectedRevision: number,
    write: RolloutWrite,
    event?: Omit<TransitionRecord, 'rollout'>,
  ): Promise<Cutover | undefined> {
    const at = new Date().toISOString();
    return this.db.transaction(async tx => {
      const updated = await tx(CUTOVERS)
        .where({
          id,
          status: 'progressing',
          rollout_revision: expectedRevision,
        })
        .update({ ...rolloutColumns(tx, write), updated_at: at });
      if (updated === 0) {
        return undefined;
      }
      const cutover = (await this.read(tx, id))!;
      if (event) {
        await appendEvent(tx, {
          cutoverId: id,
          entityRef: cutover.entityRef,
          type: event.type,
          actor: event.actor,
          at,
          status: cutover.status,
          comment: event.comment,
          objects: event.objects,
          outcome: event.outcome,
        });
      }
      return cutover;
    });
  }

  async requestRollout(
    id: string,
    request: RolloutRequest,
    by: string,
  ): Promise<Cutover | undefined> {
    const now = new Date().toISOString();
    const columns = {
      pause: { rollout_pause_by: by },
      resume: { rollout_pause_by: null },
      promote: { rollout_promote_by: by },
      abort: { rollout_abort_by: by },
    }[request];
    const updated = await this.db(CUTOVERS)
      .where({ id, status: 'progressing' })
      .update({ ...columns, rollout_due_at: now });
    return updated === 0 ? undefined : this.get(id);
  }

  async events(cutoverId: string): Promise<CutoverEvent[]> {
    const rows: EventRow[] = await this.db<EventRow>(EVENTS)
      .where('cutover_id', cutoverId)
      .orderBy('id', 'asc');
    return rows.map(toEvent);
  }

  /** Moves one cutover matching `where` to `applying`, leased to `owner`, with its event. */
  private async lease(
    id: string,
    owner: string,
    now: number,
    leaseMs: number,
    where: (q: Knex.QueryBuilder) => Knex.QueryBuilder,
    comment: string,
  ): Promise<Cutover | undefined> {
    const at = new Date(now).toISOString();
    return this.db.transaction(async tx => {
      const updated = await where(tx(CUTOVERS).where('id', id)).update({
        status: 'applying',
        lease_owner: owner,
        lease_until: new Date(now + leaseMs).toISOString(),
        updated_at: at,
      });
      if (updated === 0) {
        return undefined;
      }
      const cutover = (await this.read(tx, id))!;
      await appendEvent(tx, {
        cutoverId: id,
        entityRef: cutover.entityRef,
        type: 'applying',
        actor: SYSTEM_ACTOR,
        at,
        status: 'applying',
        comment,
      });
      return cutover;
    });
  }

  private async read(db: Knex, id: string): Promise<Cutover | undefined> {
    const row = await db<CutoverRow>(CUTOVERS).where('id', id).first();
    return row && this.withApprovals(db, row);
  }

  private async withApprovals(db: Knex, row: CutoverRow): Promise<Cutover> {
    const approvals = await this.approvalsOf(db, [row.id]);
    return toCutover(row, approvals.get(row.id) ?? []);
  }

  private async approvalsOf(
    db: Knex,
    cutoverIds: string[],
  ): Promise<Map<string, ApprovalRow[]>> {
    const byCutover = new Map<string, ApprovalRow[]>();
    if (cutoverIds.length === 0) {
      return byCutover;
    }
    const rows: ApprovalRow[] = await db<ApprovalRow>(APPROVALS)
      .whereIn('cutover_id', cutoverIds)
      .orderBy([{ column: 'at' }, { column: 'approver' }]);
    for (const row of rows) {
      byCutover.set(row.cutover_id, [
        ...(byCutover.get(row.cutover_id) ?? []),
        row,
      ]);
    }
    return byCutover;
  }
}

async function appendEvent(tx: Knex.Transaction, event: NewEvent) {
  await tx(EVENTS).insert({
    cutover_id: event.cutoverId,
    entity_ref: event.entityRef,
    type: event.type,
    actor: event.actor,
    at: event.at,
    status: event.status,
    comment: event.comment ?? null,
    objects: event.objects === undefined ? null : JSON.stringify(event.objects),
    outcome: event.outcome === undefined ? null : JSON.stringify(event.outcome),
  });
}

/** The columns of an engine write; the revision grows by one. */
function rolloutColumns(db: Knex, write: RolloutWrite) {
  const clear = (column: string, seen: string | undefined) =>
    seen === undefined
      ? {}
      : {
          // Only the request the engine read: one made since then stays for its next tick.
          [column]: db.raw('CASE WHEN ?? = ? THEN NULL ELSE ?? END', [
            column,
            seen,
            column,
          ]),
        };
  return {
    rollout: JSON.stringify(write.state),
    rollout_routes: JSON.stringify(write.routes),
    rollout_revision: db.raw('rollout_revision + 1'),
    rollout_due_at: write.dueAt?.toISOString() ?? null,
    // The tick that claimed the rollout wrote its result: the claim is over.
    lease_owner: null,
    lease_until: null,
    ...clear('rollout_promote_by', write.handled?.promoteBy),
    ...clear('rollout_abort_by', write.handled?.abortBy),
  };
}

function toRolloutRecord(
  row: CutoverRow,
  approvals: ApprovalRow[],
): RolloutRecord {
  return {
    cutover: toCutover(row, approvals) as RolloutRecord['cutover'],
    routes: JSON.parse(row.rollout_routes ?? '[]'),
    revision: row.rollout_revision ?? 0,
    interrupted: row.lease_owner !== null && row.lease_owner !== undefined,
  };
}

function rolloutOf(row: CutoverRow): RolloutState | undefined {
  if (!row.rollout) {
    return undefined;
  }
  const state: RolloutState = JSON.parse(row.rollout);
  return {
    ...state,
    ...(row.rollout_pause_by ? { pausedBy: row.rollout_pause_by } : {}),
    ...(row.rollout_promote_by
      ? { promoteRequestedBy: row.rollout_promote_by }
      : {}),
    ...(row.rollout_abort_by ? { abortRequestedBy: row.rollout_abort_by } : {}),
  };
}

function toCutover(row: CutoverRow, approvals: ApprovalRow[]): Cutover {
  const rollout = rolloutOf(row);
  return {
    id: row.id,
    entityRef: row.entity_ref,
    action: JSON.parse(row.action),
    status: row.status,
    reason: row.reason,
    requestedBy: row.requested_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
    approvalsRequired: row.approvals_required,
    approvals: approvals.map(toApproval),
    plan: JSON.parse(row.plan),
    ...(row.outcome !== null ? { outcome: JSON.parse(row.outcome) } : {}),
    ...(row.rollback_of !== null ? { rollbackOf: row.rollback_of } : {}),
    ...(rollout ? { rollout } : {}),
  };
}

function toApproval(row: ApprovalRow): CutoverApproval {
  return {
    by: row.approver,
    at: row.at,
    ...(row.comment !== null ? { comment: row.comment } : {}),
  };
}

function toEvent(row: EventRow): CutoverEvent {
  return {
    id: row.id,
    cutoverId: row.cutover_id,
    entityRef: row.entity_ref,
    type: row.type,
    actor: row.actor,
    at: row.at,
    status: row.status,
    ...(row.comment !== null ? { comment: row.comment } : {}),
    ...(row.objects !== null ? { objects: JSON.parse(row.objects) } : {}),
    ...(row.outcome !== null ? { outcome: JSON.parse(row.outcome) } : {}),
  };
}

function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new InputError(`limit must be an integer from 1 to ${MAX_LIMIT}`);
  }
  return limit;
}

/** Cursors are opaque to callers: the sort key of the last item of the page, base64url JSON. */
function encodeCursor(key: Array<string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string, length: number): unknown[] {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InputError('invalid cursor');
  }
  if (!Array.isArray(key) || key.length !== length) {
    throw new InputError('invalid cursor');
  }
  return key;
}
