import type {
  Cutover,
  CutoverAction,
  CutoverEvent,
  CutoverEventType,
  CutoverHistory,
  CutoverList,
  CutoverOutcome,
  CutoverPlan,
  CutoverStatus,
  ObjectRef,
  RolloutState,
} from '@bluegreen-istio/plugin-bluegreen-common';

/**
 * One route a rollout changed: what it was before the rollout (what a rollback restores) and
 * what the rollout last wrote (what a rollback expects to find).
 */
export interface RouteRecord {
  cluster: string;
  object: ObjectRef;
  /** JSON pointer, e.g. `/spec/http/0/route`. */
  path: string;
  before: unknown;
  written: unknown;
}

/** The engine's write of a rollout's state. */
export interface RolloutWrite {
  state: RolloutState;
  routes: RouteRecord[];
  /** When the engine must look at it next; null while paused. */
  dueAt: Date | null;
  /** The requests the engine acted on, cleared when they are still the ones it read. */
  handled?: { promoteBy?: string; abortBy?: string };
}

/** A rollout as the engine reads it. */
export interface RolloutRecord {
  cutover: Cutover & { rollout: RolloutState };
  routes: RouteRecord[];
  revision: number;
  /**
   * A tick claimed it and never wrote its result (its backend stopped): the cluster may hold
   * a step this record does not, which the engine reads back before going on.
   */
  interrupted: boolean;
}

/** A person's request to a running rollout; the engine acts on it on its next tick. */
export type RolloutRequest = 'pause' | 'resume' | 'promote' | 'abort';

/** A cutover as it is first stored. */
export interface NewCutover {
  entityRef: string;
  action: CutoverAction;
  reason: string;
  requestedBy: string;
  approvalsRequired: number;
  plan: CutoverPlan;
  rollbackOf?: string;
  /** Defaults to now. */
  createdAt?: Date;
  expiresAt: Date;
}

/** What a transition records in the history besides the new status. */
export interface TransitionRecord {
  /** User entity ref, or `plugin:bluegreen` for the backend's own work. */
  actor: string;
  type: CutoverEventType;
  comment?: string;
  outcome?: CutoverOutcome;
  objects?: CutoverEvent['objects'];
  /**
   * For a rollout: its state written with the transition. `expectedRevision` makes the
   * transition conditional on the revision the engine read too.
   */
  rollout?: RolloutWrite & { expectedRevision?: number };
}

export interface ListQuery {
  entityRef?: string;
  statuses?: CutoverStatus[];
  /**
   * A user entity ref: only `requested` cutovers this user did not request and has not approved
   * yet (whether the user holds the permission is the caller's business).
   */
  approvableBy?: string;
  /** 1–500. */
  limit: number;
  cursor?: string;
}

/**
 * The durable record of cutovers: requests, approvals and the append-only history. Every status
 * change is one conditional update (`WHERE status IN (expected)`), so concurrent callers and
 * replicas on one database change a cutover exactly once; the loser learns it from the result.
 */
export interface CutoverStore {
  /**
   * Stores a new `requested` cutover and its `requested` event. Throws a ConflictError naming
   * the open cutover when the entity already has one (enforced by the database, not a read).
   */
  create(cutover: NewCutover): Promise<Cutover>;

  get(id: string): Promise<Cutover | undefined>;

  list(query: ListQuery): Promise<CutoverList>;

  /** The entity's open cutover (requested, approved or applying), if any. */
  findOpen(entityRef: string): Promise<Cutover | undefined>;

  /** The entity's most recently applied cutover, if any. */
  findLastApplied(entityRef: string): Promise<Cutover | undefined>;

  /**
   * Records one approval of a `requested` cutover; when it is the last one needed, the cutover
   * becomes `approved` in the same conditional update. Throws ConflictError when the cutover is
   * not `requested` any more (its status named) or this approver already approved it.
   * `approved` events are recorded for every approval.
   */
  approve(
    id: string,
    approver: string,
    comment?: string,
  ): Promise<{ cutover: Cutover; complete: boolean }>;

  /**
   * Moves a cutover from one of `from` to `to` and appends the event, in one transaction.
   * Returns undefined (and records nothing) when its status is not one of `from`.
   */
  transition(
    id: string,
    from: CutoverStatus[],
    to: CutoverStatus,
    record: TransitionRecord,
  ): Promise<Cutover | undefined>;

  /**
   * `approved` → `applying`, leased to `owner` until now + `leaseMs`. Undefined when the cutover
   * is not `approved` (someone else claimed it).
   */
  claimForApply(
    id: string,
    owner: string,
    leaseMs: number,
  ): Promise<Cutover | undefined>;

  /**
   * Claims every cutover left `applying` (or `approved`) whose lease ran out, i.e. whose applier
   * stopped: each is re-leased to `owner` for `leaseMs` in its own conditional update and returned.
   * A cutover still `approved` is moved to `applying` by the claim.
   */
  claimAbandoned(owner: string, leaseMs: number): Promise<Cutover[]>;

  /** Moves every `requested` cutover whose `expiresAt` passed to `expired`, with its event. */
  expireDue(now?: Date): Promise<Cutover[]>;

  /**
   * Rollouts (`progressing`) whose due time passed or that have a request to act on, except
   * those a tick has claimed until later than `now`.
   */
  dueRollouts(now: Date): Promise<RolloutRecord[]>;

  /**
   * Takes a rollout for one tick's work: moves its revision on if it is still `expectedRevision`
   * and no other claim holds, and holds it for `owner` until `until` (or the next write). False
   * when another replica or request came first.
   */
  claimRollout(
    id: string,
    expectedRevision: number,
    owner: string,
    until: Date,
  ): Promise<boolean>;

  /** A rollout's record for the engine, whatever its due time. */
  getRollout(id: string): Promise<RolloutRecord | undefined>;

  /**
   * Writes a rollout's state if its revision is still `expectedRevision` and it is still
   * `progressing`, appending `event` (its status stays `progressing`) in the same transaction,
   * and ends any claim. Undefined when another write came first: nothing is written.
   */
  updateRollout(
    id: string,
    expectedRevision: number,
    write: RolloutWrite,
    event?: Omit<TransitionRecord, 'rollout'>,
  ): Promise<Cutover | undefined>;

  /**
   * Records a person's request to a `progressing` rollout and makes it due now. Undefined when
   * the cutover is not `progressing`.
   */
  requestRollout(
    id: string,
    request: RolloutRequest,
    by: string,
  ): Promise<Cutover | undefined>;

  /** The entity's events, newest first. */
  history(
    entityRef: string,
    page: { limit: number; cursor?: string },
  ): Promise<CutoverHistory>;

  /** One cutover's events, oldest first. */
  events(cutoverId: string): Promise<CutoverEvent[]>;
}
