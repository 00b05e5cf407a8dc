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
} from '@internal/plugin-bluegreen-common';

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

  /** The entity's events, newest first. */
  history(
    entityRef: string,
    page: { limit: number; cursor?: string },
  ): Promise<CutoverHistory>;

  /** One cutover's events, oldest first. */
  events(cutoverId: string): Promise<CutoverEvent[]>;
}
