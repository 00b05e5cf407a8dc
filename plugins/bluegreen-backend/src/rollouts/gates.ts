/*
 * The metric gates of a progressive rollout: the PromQL run per gate (Istio's standard metrics,
 * server-side reporter, one colour of one Service) and the verdict on what Prometheus answered.
 * Pure: the queries go out through the PrometheusClient, the answers come back here.
 */
import type {
  RolloutEvaluation,
  RolloutGates,
  RolloutMeasurement,
  RolloutState,
} from '@bluegreen-istio/plugin-bluegreen-common';

export type GateTarget = RolloutState['targets'][number];

/** What Prometheus answered to one instant query, or why it could not. */
export type QueryAnswer =
  | { ok: true; resultType: string; result: unknown }
  | { ok: false; message: string };

/**
 * The selector of one colour of one Service. Only the destination proxy reports: every in-mesh
 * request is reported by both sides, and mixing them would count it twice.
 */
export function selector(target: GateTarget, extra = ''): string {
  return `{reporter="destination",destination_service_namespace="${escape(
    target.namespace,
  )}",destination_service_name="${escape(
    target.service,
  )}",destination_version="${escape(target.version)}"${extra}}`;
}

/** PromQL string literals are double-quoted with backslash escapes. */
function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/**
 * Requests the colour served over the window. `or on() vector(0)` makes "no series" (nothing
 * served yet) an explicit 0 instead of an empty vector.
 */
export function requestCountQuery(target: GateTarget, window: string): string {
  return `sum(increase(istio_requests_total${selector(
    target,
  )}[${window}])) or on() vector(0)`;
}

/** Percent of responses that are not 5xx; NaN (0/0) or empty without traffic. */
export function successRateQuery(target: GateTarget, window: string): string {
  return `sum(rate(istio_requests_total${selector(
    target,
    ',response_code!~"5.."',
  )}[${window}])) / sum(rate(istio_requests_total${selector(
    target,
  )}[${window}])) * 100`;
}

/** The 99th percentile of request duration in milliseconds; NaN without traffic. */
export function latencyP99Query(target: GateTarget, window: string): string {
  return `histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket${selector(
    target,
  )}[${window}])))`;
}

/**
 * The one number of an instant query's answer: a vector of one sample or a scalar. Anything
 * else (empty vector, several series, NaN, a matrix) is no value, with the reason.
 * `+Inf` is a value: histogram_quantile answers it when the quantile lies in the last bucket,
 * i.e. slower than every bucket bound, which a latency gate must fail, not wait out.
 */
export function singleValue(
  answer: QueryAnswer,
): { value: number } | { value: null; message: string } {
  if (!answer.ok) {
    return { value: null, message: answer.message };
  }
  let sample: unknown;
  if (answer.resultType === 'scalar') {
    sample = answer.result;
  } else if (answer.resultType === 'vector' && Array.isArray(answer.result)) {
    if (answer.result.length === 0) {
      return { value: null, message: 'no series matched (no traffic yet?)' };
    }
    if (answer.result.length > 1) {
      return {
        value: null,
        message: `${answer.result.length} series answered where one was expected`,
      };
    }
    sample = (answer.result[0] as { value?: unknown })?.value;
  } else {
    return {
      value: null,
      message: `a ${answer.resultType} answered where a vector or scalar was expected`,
    };
  }
  const text = Array.isArray(sample) ? sample[1] : undefined;
  if (typeof text !== 'string') {
    return { value: null, message: 'the answer holds no sample value' };
  }
  const value = parseSample(text);
  if (Number.isNaN(value)) {
    return { value: null, message: 'NaN (no requests in the window)' };
  }
  return { value };
}

export interface GateQueries {
  target: GateTarget;
  requestCount: string;
  successRate: string;
  latencyP99: string;
}

export function queriesFor(
  targets: GateTarget[],
  intervalSeconds: number,
): GateQueries[] {
  const window = `${intervalSeconds}s`;
  return targets.map(target => ({
    target,
    requestCount: requestCountQuery(target, window),
    successRate: successRateQuery(target, window),
    latencyP99: latencyP99Query(target, window),
  }));
}

/**
 * The verdict on one target's answers. Too few requests makes the rate and latency meaningless,
 * so they are then `no-data` whatever they say; a rate or latency without a value is `no-data`.
 */
export function measure(
  queries: GateQueries,
  answers: {
    requestCount: QueryAnswer;
    successRate: QueryAnswer;
    latencyP99: QueryAnswer;
  },
  gates: Required<RolloutGates>,
): RolloutMeasurement[] {
  const { target } = queries;
  const service = `${target.cluster}/${target.namespace}/${target.service}`;
  const base = { service, version: target.version };

  const count = singleValue(answers.requestCount);
  const enough = count.value !== null && count.value >= gates.minRequests;
  const countMeasurement: RolloutMeasurement = {
    ...base,
    gate: 'request-count',
    query: queries.requestCount,
    value: count.value,
    threshold: gates.minRequests,
    result: enough ? 'pass' : 'no-data',
    ...(countMessage(count, gates.minRequests) ?? {}),
  };

  const gate = (
    name: 'success-rate' | 'latency-p99',
    query: string,
    answer: QueryAnswer,
    threshold: number,
    passes: (v: number) => boolean,
  ): RolloutMeasurement => {
    const measured = singleValue(answer);
    if (measured.value === null) {
      return {
        ...base,
        gate: name,
        query,
        value: null,
        threshold,
        result: 'no-data',
        message: measured.message,
      };
    }
    if (!enough) {
      return {
        ...base,
        gate: name,
        query,
        value: measured.value,
        threshold,
        result: 'no-data',
        message: 'too few requests to judge',
      };
    }
    return {
      ...base,
      gate: name,
      query,
      value: measured.value,
      threshold,
      result: passes(measured.value) ? 'pass' : 'fail',
    };
  };

  return [
    countMeasurement,
    gate(
      'success-rate',
      queries.successRate,
      answers.successRate,
      gates.minSuccessRatePercent,
      v => v >= gates.minSuccessRatePercent,
    ),
    gate(
      'latency-p99',
      queries.latencyP99,
      answers.latencyP99,
      gates.maxLatencyP99Ms,
      v => v <= gates.maxLatencyP99Ms,
    ),
  ];
}

/** Any failed gate fails the evaluation; otherwise any missing value makes it `no-data`. */
export function verdictOf(
  measurements: RolloutMeasurement[],
): RolloutEvaluation['verdict'] {
  if (measurements.some(m => m.result === 'fail')) return 'fail';
  if (measurements.some(m => m.result === 'no-data')) return 'no-data';
  return 'pass';
}

/** Prometheus writes infinities as `+Inf`/`-Inf`, which Number() does not read. */
function parseSample(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

const UNITS: Record<RolloutMeasurement['gate'], string> = {
  'request-count': '',
  'success-rate': '%',
  'latency-p99': ' ms',
};

/** Why a request count does not let the gates judge, if it does not. */
function countMessage(
  count: ReturnType<typeof singleValue>,
  minRequests: number,
): { message: string } | undefined {
  if (count.value === null) {
    return { message: count.message };
  }
  if (count.value < minRequests) {
    return {
      message: `${round(
        count.value,
      )} requests, fewer than the ${minRequests} the gates need`,
    };
  }
  return undefined;
}

/** The measurement in words, for outcomes: `success-rate of … was 80 (at least 99)`. */
export function describeMeasurement(m: RolloutMeasurement): string {
  const bound =
    m.gate === 'latency-p99'
      ? `at most ${m.threshold}`
      : `at least ${m.threshold}`;
  const unit = UNITS[m.gate];
  return m.value === null
    ? `${m.gate} of ${m.service} (${m.version}) had no value: ${m.message}`
    : `${m.gate} of ${m.service} (${m.version}) was ${round(
        m.value,
      )}${unit} (${bound}${unit})`;
}
