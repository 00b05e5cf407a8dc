/*
 * Every word the progressive-rollout views show, in one place, beside the cutover wording
 * (./wording.ts) they build on: the dialog's settings, the running rollout, its steps, gates and
 * charts.
 */
import {
  RolloutMeasurement,
  RolloutMetricName,
  RolloutStep,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { relativeTime } from './wording';

export const ROLLOUT_LABELS = {
  progressiveRollout: 'Progressive rollout…',
  settings: 'Rollout settings',
  colour: 'New colour',
  colourHelp: 'The colour that gets the traffic, step by step',
  steps: 'Steps',
  stepsHelp: "The new colour's percent at each step: increasing, ending at 100",
  stepPercent: (n: number) => `Step ${n} (%)`,
  addStep: 'Add step',
  removeStep: (n: number) => `Remove step ${n}`,
  interval: 'Interval (seconds)',
  intervalHelp: 'How long each step is watched before its gates are judged',
  mode: 'Mode',
  modeAuto: 'Automatic: advance when every gate passes',
  modeManual: 'Manual: wait for a promote after the gates pass',
  gates: 'Gates on the new colour',
  minSuccessRate: 'Success rate at least (%)',
  maxLatencyP99: 'p99 latency at most (ms)',
  minRequests: 'Requests per interval at least',
  minRequestsHelp: 'Fewer, and the interval has no data',
  noDataIntervals: 'Intervals without data waited out',
  noDataIntervalsHelp: 'The next one fails the rollout and rolls it back',
  defaultsLoading: 'Reading the rollout defaults for this entity…',
  defaultsFrom:
    'Defaults from the entity’s annotations and the portal’s configuration.',
  plan: 'The rollout',
  firstStepPreview: 'Preview of the first step',
  rollout: 'Rollout',
  weightsNow: 'Traffic now',
  step: 'Step',
  nextEvaluation: 'Gates judged next',
  pausedBy: 'Paused by',
  stepTimeline: 'Steps of the rollout',
  notYet: 'not reached yet',
  notReached: 'not reached',
  notVerified:
    'The cluster stored other weights than these (a mutating admission webhook or a controller changed them): rolled back.',
  evaluation: 'Gates judged',
  gate: 'Gate',
  service: 'Service (version)',
  query: 'PromQL',
  value: 'Measured',
  threshold: 'Threshold',
  verdict: 'Verdict',
  charts: 'Traffic per colour over the rollout',
  chartsLoading: 'Reading the metrics from Prometheus…',
  queries: 'Queries',
  latest: 'Latest',
  rangeOf: (m: { stepSeconds: number; windowSeconds: number }) =>
    `a point every ${m.stepSeconds} s, each a rate over ${m.windowSeconds} s`,
  noMetricValue: 'no value',
  promote: 'Promote to the next step',
  pause: 'Pause',
  resume: 'Resume',
  abort: 'Abort and roll back',
  noSteerPermission:
    'You may not steer this rollout: only its requester or an approver of the entity may.',
} as const;

export const ROLLOUT_REASONS = {
  colourRequired: 'Choose the colour to roll out',
  stepsInvalid:
    'Steps are whole percents from 1 to 100, each above the one before, the last 100',
  intervalTooShort: (min: number) =>
    `The interval is a whole number of seconds, at least ${min}`,
  gateInvalid: (label: string) => `${label}: enter a number in range`,
  promoteWhenPassed: 'The current step can be promoted once its gates pass',
  promoteManualOnly: 'An automatic rollout advances by itself',
} as const;

export const STEP_VERDICT_LABELS: Record<RolloutStep['verdict'], string> = {
  watching: 'watching',
  passed: 'gates passed',
  failed: 'failed',
  aborted: 'aborted',
};

export const EVALUATION_VERDICT_LABELS: Record<
  RolloutMeasurement['result'],
  string
> = {
  pass: 'pass',
  fail: 'fail',
  'no-data': 'no data',
};

export const GATE_LABELS: Record<RolloutMeasurement['gate'], string> = {
  'request-count': 'Requests',
  'success-rate': 'Success rate',
  'latency-p99': 'p99 latency',
};

const GATE_UNITS: Record<RolloutMeasurement['gate'], string> = {
  'request-count': '',
  'success-rate': '%',
  'latency-p99': ' ms',
};

export const METRIC_LABELS: Record<RolloutMetricName, string> = {
  'request-rate': 'Request rate (requests/s)',
  'error-rate': 'Error rate (% 5xx)',
  'latency-p99': 'p99 latency (ms)',
};

const METRIC_UNITS: Record<RolloutMetricName, string> = {
  'request-rate': ' req/s',
  'error-rate': '%',
  'latency-p99': ' ms',
};

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** `99.5%`, `180 ms`, `42`; `no value` without one. */
export function measurementValue(m: RolloutMeasurement): string {
  return m.value === null
    ? ROLLOUT_LABELS.noMetricValue
    : `${round(m.value)}${GATE_UNITS[m.gate]}`;
}

/** `≥ 99%`, `≤ 500 ms`, `≥ 10`: latency is a ceiling, the others floors. */
export function measurementThreshold(m: RolloutMeasurement): string {
  const bound = m.gate === 'latency-p99' ? '≤' : '≥';
  return `${bound} ${m.threshold}${GATE_UNITS[m.gate]}`;
}

export function metricValue(
  metric: RolloutMetricName,
  value: number | null,
): string {
  return value === null
    ? ROLLOUT_LABELS.noMetricValue
    : `${round(value)}${METRIC_UNITS[metric]}`;
}

/** `Step 2 of 4`. */
export function stepOf(index: number, count: number): string {
  return `Step ${index + 1} of ${count}`;
}

/** `10% → 30% → 50% → 100%`. */
export function stepsLabel(steps: readonly number[]): string {
  return steps.map(step => `${step}%`).join(' → ');
}

/** `green 30% · blue 70%`, the new colour first. */
export function weightsLabel(
  weights: Record<string, number>,
  first?: string,
): string {
  return Object.entries(weights)
    .sort(([a], [b]) => Number(b === first) - Number(a === first))
    .map(([colour, percent]) => `${colour} ${percent}%`)
    .join(' · ');
}

export function intervalLabel(seconds: number): string {
  return seconds % 60 === 0 && seconds >= 60
    ? `${seconds / 60} min`
    : `${seconds} s`;
}

/** When the gates are judged next: `in 40 seconds`, or `paused` while the rollout holds. */
export function relativeOrPaused(at: string | undefined): string {
  return at ? relativeTime(at) : 'paused';
}

/** What someone asked for that the backend has not acted on yet. */
export function pendingLabel(what: 'promote' | 'abort', by: string): string {
  const words = {
    promote: 'Promote requested by',
    abort: 'Abort requested by',
  };
  return `${words[what]} ${by}: the backend acts on it within seconds`;
}
