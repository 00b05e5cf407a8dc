/*
 * Every word the cutover views show, in one place: the tab, the dialogs, the open-request panel,
 * the history, the overview card's chip and the approvals page all say things the same way.
 */
import { parseEntityRef } from '@backstage/catalog-model';
import {
  CutoverAction,
  CutoverEventType,
  describeCutoverAction,
  CutoverStatus,
  PreflightCheck,
  PreflightCheckId,
} from '@bluegreen-istio/plugin-bluegreen-common';

/** The tab's path under the entity page, as the plugin registers it. */
export const TAB_PATH = 'bluegreen';

/** `switch to v2` → `Switch to v2`. */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * How an action reads in a button, a title or a table cell: the common package's one wording of
 * an action (the backend's messages and notifications say the same), capitalised.
 */
export function actionLabel(action: CutoverAction): string {
  return capitalise(describeCutoverAction(action));
}

export const STATUS_LABELS: Record<CutoverStatus, string> = {
  requested: 'Awaiting approval',
  approved: 'Approved, about to apply',
  applying: 'Applying',
  applied: 'Applied',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
  expired: 'Expired',
  failed: 'Failed',
  superseded: 'Superseded',
  progressing: 'Rolling out',
  'rolled-back': 'Rolled back',
};

export const EVENT_LABELS: Record<CutoverEventType, string> = {
  requested: 'requested',
  approved: 'approved',
  rejected: 'rejected',
  cancelled: 'cancelled',
  expired: 'expired',
  applying: 'started applying',
  applied: 'applied',
  failed: 'failed',
  superseded: 'superseded',
  step: 'stepped',
  paused: 'paused',
  resumed: 'resumed',
  'rolled-back': 'rolled back',
};

export const CHECK_LABELS: Partial<Record<PreflightCheckId, string>> = {
  'colours-exist': 'Colours exist',
  'ready-pods': 'Ready pods',
  'no-new-errors': 'No new configuration errors',
  'dry-run': 'Kubernetes dry run',
  'no-open-cutover': 'No other open request',
  'changes-something': 'Changes something',
  'cluster-readable': 'Clusters readable',
  'rollback-target': 'Something to roll back',
  'only-shared-rules': 'Only shared-split rules change',
};

export const CHECK_RESULT_LABELS: Record<PreflightCheck['result'], string> = {
  pass: 'passed',
  warn: 'warning',
  fail: 'failed',
};

/** A user (or the backend) by name: `user:default/alice` → `alice`. */
export function actorName(ref: string): string {
  if (ref === 'plugin:bluegreen') {
    return 'the blue/green backend';
  }
  try {
    return parseEntityRef(ref).name;
  } catch {
    return ref;
  }
}

/** An entity by name, with its namespace when not the default one. */
export function entityName(ref: string): string {
  try {
    const { namespace, name } = parseEntityRef(ref);
    return namespace === 'default' ? name : `${namespace}/${name}`;
  } catch {
    return ref;
  }
}

/** `3 minutes ago`, `in 2 hours`. */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) {
      return format.format(Math.round(seconds / size), unit);
    }
  }
  return Math.abs(seconds) < 10 ? 'just now' : format.format(seconds, 'second');
}

export function approvalsProgress(given: number, required: number): string {
  return `${given} of ${required} approval${required === 1 ? '' : 's'}`;
}

export const LABELS = {
  releaseActions: 'Release actions',
  setSplit: 'Set split…',
  requestApproval: 'Request approval',
  apply: 'Apply',
  approve: 'Approve',
  approvals: 'Approvals',
  reject: 'Reject',
  cancelRequest: 'Cancel request',
  close: 'Close',
  back: 'Back',
  preview: 'Preview',
  dismiss: 'Dismiss',
  reason: 'Reason',
  reasonHelp:
    'Why this change, for the approver and the history (e.g. the ticket).',
  comment: 'Comment',
  acknowledgeWarnings: 'I have read the warnings and want to go ahead anyway',
  checks: 'Pre-flight checks',
  splitChanges: 'Traffic split, before → after',
  objectChanges: 'Changes to Istio objects',
  noChanges: 'No object changes.',
  before: 'before',
  after: 'after',
  previewLoading: 'Working out what would change…',
  openRequest: 'Open request',
  lastRequest: 'Last request',
  history: 'History',
  noHistory: 'No cutover has been requested for this entity yet.',
  olderHistory: 'Show older',
  splitTotal: 'Total',
  approvalsPage: 'Cutovers',
  approvalsPageSubtitle:
    'Blue/green cutover requests: the ones you can approve, then recent ones',
  awaitingYou: 'Awaiting your approval',
  nothingAwaitingYou: 'No request is waiting for your approval.',
  recent: 'Recent requests',
  noRecent: 'No cutover requests match.',
  statusFilter: 'Status',
  ownerFilter: 'Owner',
  anyStatus: 'Any status',
  openStatuses: 'Open',
  anyOwner: 'Any owner',
  ownerFilterNote: 'The owner filter applies to the requests on this page.',
  newer: 'Newer',
  older: 'Older',
  entity: 'Entity',
  action: 'Action',
  requester: 'Requested by',
  age: 'Age',
  status: 'Status',
  owner: 'Owner',
  pendingChip: 'Pending',
  followingLive: 'Following live',
  followingByPolling: 'Refreshing every few seconds',
  objectsOutcome: 'What happened to each object',
  changedSincePlanned: 'Changed since it was planned',
  noCutoverPermission: 'You may not request cutovers of this entity',
  noCutoverPermissionDetail:
    'the permission policy does not grant you bluegreen.cutover.request for it',
  noApprovePermission:
    'You may not approve or reject cutovers of this entity (permission bluegreen.cutover.approve).',
  cannotApproveOwn: 'You cannot approve your own request.',
} as const;

/** Why a button is disabled, or what the reader must do. */
export const REASONS = {
  requestOpen: 'a request is open',
  noReadyPods: (colour: string, cluster?: string) =>
    `${colour} has no ready pods${cluster ? ` in cluster ${cluster}` : ''}`,
  oneColour: 'there is only one colour to send traffic to',
  checkingRollback: 'checking what a rollback would restore…',
  reasonRequired: 'Give a reason',
  commentRequiredToReject: 'Say why you reject it',
  acknowledgeFirst: 'Acknowledge the warnings first',
  checksFailed: 'A pre-flight check failed',
  splitSum: (sum: number) => `the weights add up to ${sum}%, not 100%`,
  splitWholeNumbers: 'each weight is a whole number from 0 to 100',
} as const;

export function decisionTitle(
  decision: 'approve' | 'reject' | 'cancel',
  action: CutoverAction,
  entityRef: string,
): string {
  const what = `${actionLabel(action)} of ${entityName(entityRef)}`;
  switch (decision) {
    case 'approve':
      return `Approve: ${what}`;
    case 'reject':
      return `Reject: ${what}`;
    default:
      return `Cancel your request: ${what}`;
  }
}

export const DECISION_BUTTONS = {
  approve: LABELS.approve,
  reject: LABELS.reject,
  cancel: LABELS.cancelRequest,
} as const;

/** A split in words: `v1 50% · v2 50%`. */
export function sharesLabel(
  shares: Array<{ colour: string | null; percent: number }>,
): string {
  return shares
    .map(share => `${share.colour ?? 'no subset'} ${share.percent}%`)
    .join(' · ');
}

/** "Roll back to v1 50% · v2 50%", from the rollback's preview of the first shared host. */
export function rollbackLabel(
  after?: Array<{ colour: string | null; percent: number }>,
): string {
  const label = actionLabel({ action: 'rollback' });
  return after?.length ? `${label} to ${sharesLabel(after)}` : label;
}

export function previewTitle(action: CutoverAction): string {
  return `${actionLabel(action)}: preview`;
}

export function pageLabel(page: number): string {
  return `Page ${page + 1}`;
}

/** The approvals page's status filter: open requests, one status, or any. */
export const STATUS_FILTERS: Array<{ value: string; label: string }> = [
  { value: 'open', label: LABELS.openStatuses },
  { value: 'any', label: LABELS.anyStatus },
  ...(Object.keys(STATUS_LABELS) as CutoverStatus[]).map(status => ({
    value: status,
    label: STATUS_LABELS[status],
  })),
];
