/*
 * The public API of cutovers: a request to change how an entity's shared hosts split traffic
 * between its colours, approved by a second person and applied by the backend.
 */

/**
 * Every shared host sends 100% of its traffic to `colour`.
 *
 * @public
 */
export interface SwitchAction {
  action: 'switch';
  colour: string;
}

/**
 * Every shared host gets these weights (integers ≥ 0 summing to 100, existing colours only).
 *
 * @public
 */
export interface SplitAction {
  action: 'split';
  weights: Record<string, number>;
}

/**
 * The shared-host routes go back to what they were before the entity's last applied cutover.
 *
 * @public
 */
export interface RollbackAction {
  action: 'rollback';
}

/**
 * The metric gates of a progressive rollout, evaluated on the new colour over each interval.
 * Every field is optional; the defaults are in {@link DEFAULT_ROLLOUT_GATES}.
 *
 * @public
 */
export interface RolloutGates {
  /** Lowest share of non-5xx responses, in percent. */
  minSuccessRatePercent?: number;
  /** Highest 99th percentile of request duration, in milliseconds. */
  maxLatencyP99Ms?: number;
  /** Fewest requests the new colour must serve in an interval for the gates to mean anything. */
  minRequests?: number;
  /**
   * Intervals in a row without data (too few requests, no series, Prometheus unreachable) that
   * are waited out; the next one fails the rollout. 0 fails at the first.
   */
  noDataIntervals?: number;
}

/**
 * The gates of a rollout when the request names none.
 *
 * @public
 */
export const DEFAULT_ROLLOUT_GATES: Required<RolloutGates> = {
  minSuccessRatePercent: 99,
  maxLatencyP99Ms: 500,
  minRequests: 10,
  noDataIntervals: 2,
};

/**
 * Moves the shared hosts to `colour` in steps, watching its success rate and latency in
 * Prometheus after each; a failed gate rolls back to the routes before the rollout.
 *
 * @public
 */
export interface ProgressiveAction {
  action: 'progressive';
  colour: string;
  /** The colour's percent at each step: increasing, ending at 100. Default 10, 30, 50, 100. */
  steps?: number[];
  /** How long each step is watched before its gates are evaluated, in seconds. Default 120. */
  intervalSeconds?: number;
  /** `auto` (default) advances when the gates pass; `manual` then waits for a promote. */
  mode?: 'auto' | 'manual';
  gates?: RolloutGates;
}

/**
 * The steps of a rollout when the request names none.
 *
 * @public
 */
export const DEFAULT_ROLLOUT_STEPS: readonly number[] = [10, 30, 50, 100];

/**
 * What a cutover does.
 *
 * @public
 */
export type CutoverAction =
  | SwitchAction
  | SplitAction
  | RollbackAction
  | ProgressiveAction;

/**
 * Where a cutover is in its life.
 *
 * - `requested`: waiting for approvals.
 * - `approved`: approvals complete, about to be applied.
 * - `applying`: the backend is writing to the cluster(s).
 * - `applied`: written and verified (final).
 * - `rejected`, `cancelled`, `expired`: ended without a write (final).
 * - `failed`: applying failed; {@link Cutover.outcome} says what happened to each object (final).
 * - `superseded`: the cluster changed since the cutover was planned; nothing was written (final).
 * - `progressing`: a progressive rollout is between its first and last step ({@link Cutover.rollout}).
 * - `rolled-back`: a progressive rollout failed a gate or was aborted, and the routes went back to
 *   what they were before it (final).
 *
 * @public
 */
export type CutoverStatus =
  | 'requested'
  | 'approved'
  | 'applying'
  | 'applied'
  | 'rejected'
  | 'cancelled'
  | 'expired'
  | 'failed'
  | 'superseded'
  | 'progressing'
  | 'rolled-back';

/**
 * Every status, in lifecycle order.
 *
 * @public
 */
export const CUTOVER_STATUSES: readonly CutoverStatus[] = [
  'requested',
  'approved',
  'applying',
  'progressing',
  'applied',
  'rolled-back',
  'rejected',
  'cancelled',
  'expired',
  'failed',
  'superseded',
];

/**
 * The statuses in which a cutover is open; an entity has at most one open cutover.
 *
 * @public
 */
export const OPEN_CUTOVER_STATUSES: readonly CutoverStatus[] = [
  'requested',
  'approved',
  'applying',
  'progressing',
];

/**
 * Stable identifiers of the pre-flight checks.
 *
 * - `colours-exist`: every colour the plan names is a subset in every tier's DestinationRule.
 * - `ready-pods`: every colour that will receive traffic has ready pods in every tier.
 * - `no-new-errors`: the model, run on the planned objects, reports no error the current state lacks.
 * - `dry-run`: the Kubernetes API accepts every patch with `dryRun=All`.
 * - `no-open-cutover`: no other cutover of the entity is open.
 * - `changes-something`: the plan changes at least one object.
 * - `cluster-readable`: every cluster the cutover covers could be read.
 * - `rollback-target`: there is an applied cutover to roll back, and the routes are still as it left them.
 * - `only-shared-rules`: every rule to change decides a shared host's split and nothing else (no
 *   colour host, no in-mesh or TCP affinity rides on it).
 *
 * @public
 */
export type PreflightCheckId =
  | 'colours-exist'
  | 'ready-pods'
  | 'no-new-errors'
  | 'dry-run'
  | 'no-open-cutover'
  | 'changes-something'
  | 'cluster-readable'
  | 'rollback-target'
  | 'only-shared-rules';

/**
 * One pre-flight check. `fail` blocks the request; `warn` needs `acknowledgeWarnings: true`.
 *
 * @public
 */
export interface PreflightCheck {
  id: PreflightCheckId;
  result: 'pass' | 'warn' | 'fail';
  /** What was found and, unless it passed, what to do about it. */
  message: string;
  /** Set when the check is about one cluster. */
  cluster?: string;
}

/**
 * One RFC 6902 JSON Patch operation, as sent to the Kubernetes API.
 *
 * @public
 */
export type JsonPatchOperation =
  | { op: 'test' | 'add' | 'replace'; path: string; value: unknown }
  | { op: 'remove'; path: string };

/**
 * A Kubernetes object the cutover reads or writes.
 *
 * @public
 */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

/**
 * The change of one object: the exact patch and a readable diff.
 *
 * @public
 */
export interface ObjectChange {
  cluster: string;
  object: ObjectRef;
  /** `metadata.resourceVersion` the change was planned against; the patch tests it. */
  resourceVersion: string;
  /** JSON Patch: `test` of the resourceVersion and of every replaced value, then the writes. */
  patch: JsonPatchOperation[];
  /** The patch that undoes this one once applied (tests the written values first). */
  revertPatch: JsonPatchOperation[];
  /** Unified diff of the object's YAML, before → after (metadata.managedFields left out). */
  diff: string;
  /** The rules changed, e.g. `spec.http[2].route`. */
  paths: string[];
}

/**
 * One colour's share of a host, before or after.
 *
 * @public
 */
export interface SplitShare {
  /** Null for pods no subset selects. */
  colour: string | null;
  percent: number;
}

/**
 * How one shared host's split changes.
 *
 * @public
 */
export interface SplitChange {
  cluster: string;
  host: string;
  /** `namespace/name` of the VirtualService deciding the split. */
  virtualService: string;
  protocol: 'http' | 'tcp' | 'tls';
  /** 0-based position in the VirtualService's list for this protocol, as the patches address it. */
  ruleIndex: number;
  /** The rule as every message names it (as RouteRule.label does), e.g. `HTTP rule 1`. */
  ruleLabel: string;
  viaGateways: string[];
  before: SplitShare[];
  after: SplitShare[];
}

/**
 * What a cutover will change, per cluster, and whether it may go ahead.
 *
 * @public
 */
export interface CutoverPlan {
  clusters: string[];
  /** In the order they are applied (make-before-break: downstream tiers first). */
  changes: ObjectChange[];
  splits: SplitChange[];
  checks: PreflightCheck[];
  /**
   * `metadata.resourceVersion` of every Istio object the plan was computed from, keyed
   * `cluster/Kind/namespace/name`; approving re-reads them and supersedes the request when one changed.
   */
  resourceVersions: Record<string, string>;
}

/**
 * Asks what a cutover would do, or requests it.
 *
 * @public
 */
export interface CutoverRequestBody {
  entityRef: string;
  action: CutoverAction;
  /** Why; required to request, optional to preview. */
  reason?: string;
  /** Required when a check warns. */
  acknowledgeWarnings?: boolean;
  /** The clusters to change; default every cluster the entity's state covers. */
  clusters?: string[];
}

/**
 * Answer of `POST /cutovers/preview`: nothing is written.
 *
 * @public
 */
export interface CutoverPreview {
  entityRef: string;
  action: CutoverAction;
  plan: CutoverPlan;
  /** Approvals the request will need (0: it applies on request). */
  approvalsRequired: number;
  /** False when a check fails. */
  canRequest: boolean;
  /** True when a check warns: the request needs `acknowledgeWarnings: true`. */
  needsAcknowledgement: boolean;
  /** For a rollback: the cutover whose changes it undoes. */
  rollbackOf?: string;
}

/**
 * One approval.
 *
 * @public
 */
export interface CutoverApproval {
  /** User entity ref. */
  by: string;
  at: string;
  comment?: string;
}

/**
 * What happened to one object when the cutover was applied.
 *
 * - `written`: the patch landed (and stays).
 * - `reverted`: it landed, then was undone because a later write failed.
 * - `revert-failed`: it landed and could not be undone: the message says what to do.
 * - `not-written`: it was not written (refused, or never reached).
 *
 * @public
 */
export interface ObjectOutcome {
  cluster: string;
  object: ObjectRef;
  result: 'written' | 'reverted' | 'revert-failed' | 'not-written';
  message?: string;
  /** resourceVersion after the write, when it landed. */
  resourceVersion?: string;
}

/**
 * How a cutover ended (`applied`, `failed`, `superseded`, `expired`, …).
 *
 * @public
 */
export interface CutoverOutcome {
  message: string;
  objects?: ObjectOutcome[];
  /** For `superseded`: the objects that changed since planning, `cluster/Kind/namespace/name`. */
  changed?: string[];
  /** For `applied`: whether the state read back shows the requested split on every shared host. */
  verified?: boolean;
}

/**
 * A cutover request.
 *
 * @public
 */
export interface Cutover {
  id: string;
  entityRef: string;
  action: CutoverAction;
  status: CutoverStatus;
  reason: string;
  /** User entity ref of the requester. */
  requestedBy: string;
  createdAt: string;
  updatedAt: string;
  /** When a still-requested cutover expires. */
  expiresAt: string;
  approvalsRequired: number;
  approvals: CutoverApproval[];
  plan: CutoverPlan;
  outcome?: CutoverOutcome;
  /** For a rollback: the cutover whose changes it undoes. */
  rollbackOf?: string;
  /** For a progressive rollout, once its first step was applied. */
  rollout?: RolloutState;
}

/**
 * One gate's measurement on one service of the new colour.
 *
 * @public
 */
export interface RolloutMeasurement {
  gate: 'request-count' | 'success-rate' | 'latency-p99';
  /** `cluster/namespace/service` measured. */
  service: string;
  /** The `destination_version` of the colour. */
  version: string;
  /** The exact PromQL run. */
  query: string;
  /** Null when there was no value (no series, NaN, or Prometheus could not be asked). */
  value: number | null;
  /** The bound the value is held to (a minimum for request count and success rate). */
  threshold: number;
  result: 'pass' | 'fail' | 'no-data';
  /** Why there was no data, or what Prometheus answered. */
  message?: string;
}

/**
 * The evaluation of every gate at the end of one interval.
 *
 * @public
 */
export interface RolloutEvaluation {
  at: string;
  /** `fail` when a gate failed, `no-data` when none failed but one had no data, else `pass`. */
  verdict: 'pass' | 'fail' | 'no-data';
  measurements: RolloutMeasurement[];
}

/**
 * One step of a rollout: the weights it applied and what was measured while they held.
 *
 * @public
 */
export interface RolloutStep {
  /** 0-based position in {@link RolloutState.steps}. */
  index: number;
  weights: Record<string, number>;
  appliedAt: string;
  /** Who moved the rollout to this step: the approver of the first, a promoter, or the backend. */
  appliedBy: string;
  evaluations: RolloutEvaluation[];
  /**
   * `watching`: the interval runs; `passed`: its gates passed (in manual mode it waits for a
   * promote); `failed`: a gate failed or data stayed missing; `aborted`: someone aborted it.
   */
  verdict: 'watching' | 'passed' | 'failed' | 'aborted';
  /**
   * False when the routes the cluster stored after the write do not show `weights` (a mutating
   * admission webhook or a controller changed them): the rollout then rolls back.
   */
  verified?: boolean;
}

/**
 * Where a progressive rollout is: the resolved settings and every step so far.
 *
 * @public
 */
export interface RolloutState {
  colour: string;
  /** The colour the traffic comes from: at step n it holds 100 minus the step's percent. */
  from: string;
  steps: number[];
  intervalSeconds: number;
  mode: 'auto' | 'manual';
  gates: Required<RolloutGates>;
  /** 0-based index of the step whose weights hold now. */
  current: number;
  paused: boolean;
  /** When the gates are evaluated next; absent while paused or once ended. */
  nextEvaluationAt?: string;
  /** Intervals in a row that had no data. */
  noDataCount: number;
  /** Who paused it, while paused or until the backend acts on the pause. */
  pausedBy?: string;
  /** A promote the backend has not acted on yet (manual mode). */
  promoteRequestedBy?: string;
  /** An abort the backend has not acted on yet. */
  abortRequestedBy?: string;
  history: RolloutStep[];
  /** The services measured, `cluster/namespace/service` with their `destination_version`. */
  targets: Array<{
    cluster: string;
    namespace: string;
    service: string;
    version: string;
  }>;
}

/**
 * What a chart of a rollout plots, per colour: requests per second, percent of 5xx responses, and
 * the 99th percentile of request duration in milliseconds.
 *
 * @public
 */
export type RolloutMetricName = 'request-rate' | 'error-rate' | 'latency-p99';

/**
 * One sample of a {@link RolloutMetricSeries}.
 *
 * @public
 */
export interface RolloutMetricPoint {
  /** Milliseconds since the epoch. */
  time: number;
  /** Null where Prometheus had no value (no traffic in the window, or no series yet). */
  value: number | null;
}

/**
 * One metric of one colour of one measured Service over the rollout.
 *
 * @public
 */
export interface RolloutMetricSeries {
  metric: RolloutMetricName;
  colour: string;
  /** `cluster/namespace/service` measured, as in {@link RolloutMeasurement.service}. */
  service: string;
  /** The `destination_version` selected. */
  version: string;
  /** The exact PromQL of the range query. */
  query: string;
  /** One point per step from `start` to `end`; empty when `error` is set. */
  points: RolloutMetricPoint[];
  /** Why there are no points: Prometheus could not be read, or none is configured. */
  error?: string;
}

/**
 * Answer of `GET /cutovers/:id/metrics`: Prometheus range queries over a progressive rollout,
 * from its first step to its end (or now), with the label selection its gates use.
 *
 * @public
 */
export interface RolloutMetrics {
  cutoverId: string;
  start: string;
  end: string;
  /** Seconds between points; grows with the rollout's length so the points stay bounded. */
  stepSeconds: number;
  /** The rate window of every query: the rollout's interval, or the step when longer. */
  windowSeconds: number;
  series: RolloutMetricSeries[];
}

/**
 * A page of cutovers, newest first. Pass `nextCursor` as `cursor` for the next page.
 *
 * @public
 */
export interface CutoverList {
  items: Cutover[];
  nextCursor?: string;
}

/**
 * What happened to a cutover, as recorded in the append-only history.
 *
 * @public
 */
export type CutoverEventType =
  | 'requested'
  | 'approved'
  | 'rejected'
  | 'cancelled'
  | 'expired'
  | 'applying'
  | 'applied'
  | 'failed'
  | 'superseded'
  | 'step'
  | 'paused'
  | 'resumed'
  | 'rolled-back';

/**
 * One entry of the append-only history.
 *
 * @public
 */
export interface CutoverEvent {
  id: number;
  cutoverId: string;
  entityRef: string;
  type: CutoverEventType;
  /** User entity ref, or `plugin:bluegreen` for work the backend did on its own (expiry, recovery). */
  actor: string;
  at: string;
  /** Status after the event. */
  status: CutoverStatus;
  comment?: string;
  /** For `applied` and `failed`: the objects before and after, with resourceVersions. */
  objects?: Array<{
    cluster: string;
    object: ObjectRef;
    resourceVersionBefore: string;
    resourceVersionAfter?: string;
    before: unknown;
    after?: unknown;
  }>;
  outcome?: CutoverOutcome;
}

/**
 * Answer of `GET /history?entityRef=`: newest first.
 *
 * @public
 */
export interface CutoverHistory {
  entityRef: string;
  events: CutoverEvent[];
  nextCursor?: string;
}

/**
 * Body of `POST /cutovers/:id/approve|reject|cancel`.
 *
 * @public
 */
export interface CutoverDecisionBody {
  comment?: string;
}

/**
 * Body of `POST /cutovers/:id/promote|pause|resume|abort` (progressive rollouts).
 *
 * @public
 */
export type RolloutDecisionBody = CutoverDecisionBody;

/**
 * The signal channel on which the backend announces every cutover transition.
 *
 * @public
 */
export const CUTOVER_SIGNAL_CHANNEL = 'bluegreen:cutovers';

/**
 * The message of a {@link CUTOVER_SIGNAL_CHANNEL} signal.
 *
 * @public
 */
export interface CutoverSignal {
  cutoverId: string;
  entityRef: string;
  status: CutoverStatus;
}

/**
 * The action in words, e.g. `switch to green`, `split v1 90%, v2 10%`, `roll back`. The one
 * wording of an action, for the API's messages, notifications and the UI alike.
 *
 * @public
 */
export function describeCutoverAction(action: CutoverAction): string {
  switch (action.action) {
    case 'switch':
      return `switch to ${action.colour}`;
    case 'split':
      return `split ${Object.entries(action.weights)
        .map(([colour, weight]) => `${colour} ${weight}%`)
        .join(', ')}`;
    case 'progressive':
      return `progressive rollout to ${action.colour} (${(
        action.steps ?? DEFAULT_ROLLOUT_STEPS
      )
        .map(step => `${step}%`)
        .join(' → ')})`;
    default:
      return 'roll back';
  }
}
