/*
 * The series behind a rollout's charts: per colour, requests per second, percent of 5xx and p99
 * latency over the rollout, by Prometheus range queries on the selector the gates use.
 */
import { ConflictError } from '@backstage/errors';
import type {
  Cutover,
  RolloutMetricName,
  RolloutMetricPoint,
  RolloutMetrics,
  RolloutMetricSeries,
  RolloutState,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { LRUCache } from 'lru-cache';
import { CutoverService } from '../cutovers/CutoverService';
import { GateTarget, QueryAnswer, latencyP99Query, selector } from './gates';
import { PrometheusClient } from './PrometheusClient';
import { gateTargets } from './settings';

/** Enough for a small chart to look continuous, few enough to answer quickly every poll. */
export const DEFAULT_MAX_POINTS = 240;

export interface MetricsRange {
  start: Date;
  end: Date;
  stepSeconds: number;
  windowSeconds: number;
}

/**
 * From the first step to the end (or `now`), in at most `maxPoints` steps of whole seconds. The
 * start is aligned to the step so that polls of a running rollout evaluate at the same instants
 * and its chart does not shift. Each rate spans the gates' interval (what they judged), or the
 * step when a long rollout makes that longer, so no request falls between two points.
 */
export function metricsRange(
  rollout: Pick<RolloutState, 'history' | 'intervalSeconds'>,
  end: Date,
  maxPoints: number,
): MetricsRange {
  const first = new Date(rollout.history[0].appliedAt).getTime();
  const last = Math.max(first, end.getTime());
  const stepSeconds = Math.max(
    1,
    Math.ceil((last - first) / 1000 / Math.max(1, maxPoints - 1)),
  );
  const stepMs = stepSeconds * 1000;
  return {
    start: new Date(Math.floor(first / stepMs) * stepMs),
    end: new Date(last),
    stepSeconds,
    windowSeconds: Math.max(rollout.intervalSeconds, stepSeconds),
  };
}

/** The PromQL of each chart for one colour of one Service. */
export function metricQueries(
  target: GateTarget,
  windowSeconds: number,
): Record<RolloutMetricName, string> {
  const window = `${windowSeconds}s`;
  const all = `sum(rate(istio_requests_total${selector(target)}[${window}]))`;
  // No 5xx series yet means no errors, not no value: only no traffic at all leaves a gap (0/0).
  const errors = `(sum(rate(istio_requests_total${selector(
    target,
    ',response_code=~"5.."',
  )}[${window}])) or on() vector(0))`;
  return {
    'request-rate': `${all} or on() vector(0)`,
    'error-rate': `${errors} / ${all} * 100`,
    'latency-p99': latencyP99Query(target, window),
  };
}

/**
 * One point per step of `range`, the value where the matrix has one, null elsewhere (no
 * traffic: NaN or no sample). `+Inf` (p99 beyond the last bucket) is null too: JSON cannot carry
 * it, and the gates' verdicts say the latency failed.
 */
export function seriesPoints(
  answer: Extract<QueryAnswer, { ok: true }>,
  range: MetricsRange,
): RolloutMetricPoint[] {
  const samples = new Map<number, number>();
  const matrix = answer.resultType === 'matrix' ? answer.result : [];
  for (const series of Array.isArray(matrix) ? matrix : []) {
    for (const sample of (series as { values?: unknown[] }).values ?? []) {
      const [time, text] = sample as [number, string];
      const value = Number(text);
      if (Number.isFinite(value)) {
        samples.set(Math.round(time * 1000), value);
      }
    }
  }
  const points: RolloutMetricPoint[] = [];
  const stepMs = range.stepSeconds * 1000;
  for (let t = range.start.getTime(); t <= range.end.getTime(); t += stepMs) {
    points.push({ time: t, value: samples.get(t) ?? null });
  }
  return points;
}

export interface RolloutMetricsReaderOptions {
  cutovers: CutoverService;
  /** The Prometheus that measures a cluster's services; undefined when none is configured. */
  prometheusFor(cluster: string): PrometheusClient | undefined;
}

/** Reads a rollout's chart series from Prometheus; Prometheus' failures become series errors. */
export class RolloutMetricsReader {
  /**
   * The Services and version labels of the colour traffic comes from, per rollout: the engine
   * records only the new colour's. Subset labels do not move during a rollout, and a restart
   * only costs one cluster read.
   */
  private readonly sourceTargets = new LRUCache<string, GateTarget[]>({
    max: 1000,
  });

  constructor(private readonly options: RolloutMetricsReaderOptions) {}

  async read(
    cutover: Cutover,
    options: { maxPoints?: number; now?: Date } = {},
  ): Promise<RolloutMetrics> {
    const rollout = cutover.rollout;
    if (!rollout || rollout.history.length === 0) {
      throw new ConflictError(
        `Cutover ${cutover.id} is ${cutover.status} and has no rollout steps to chart: metrics exist once a progressive rollout's first step is applied.`,
      );
    }
    const end =
      cutover.status === 'progressing'
        ? options.now ?? new Date()
        : new Date(cutover.updatedAt);
    const range = metricsRange(
      rollout,
      end,
      options.maxPoints ?? DEFAULT_MAX_POINTS,
    );
    const targets = [
      ...(await this.targetsOf(cutover, rollout.from)).map(target => ({
        colour: rollout.from,
        target,
      })),
      ...rollout.targets.map(target => ({ colour: rollout.colour, target })),
    ];
    const series = await Promise.all(
      targets.flatMap(({ colour, target }) =>
        Object.entries(metricQueries(target, range.windowSeconds)).map(
          ([metric, query]) =>
            this.series(
              metric as RolloutMetricName,
              colour,
              target,
              query,
              range,
            ),
        ),
      ),
    );
    return {
      cutoverId: cutover.id,
      start: range.start.toISOString(),
      end: range.end.toISOString(),
      stepSeconds: range.stepSeconds,
      windowSeconds: range.windowSeconds,
      series,
    };
  }

  private async series(
    metric: RolloutMetricName,
    colour: string,
    target: GateTarget,
    query: string,
    range: MetricsRange,
  ): Promise<RolloutMetricSeries> {
    const base = {
      metric,
      colour,
      service: `${target.cluster}/${target.namespace}/${target.service}`,
      version: target.version,
      query,
    };
    const prometheus = this.options.prometheusFor(target.cluster);
    if (!prometheus) {
      return {
        ...base,
        points: [],
        error: `No Prometheus is configured for cluster ${target.cluster}: set bluegreen.prometheus.baseUrl (or bluegreen.prometheus.clusters).`,
      };
    }
    const answer = await prometheus.queryRange(query, range);
    if (!answer.ok) {
      return {
        ...base,
        points: [],
        error: `Prometheus could not be read: ${answer.message}`,
      };
    }
    return { ...base, points: seriesPoints(answer, range) };
  }

  /** Only a read of every cluster is kept: a cluster missing now is looked up again next time. */
  private async targetsOf(
    cutover: Cutover,
    colour: string,
  ): Promise<GateTarget[]> {
    const key = `${cutover.id}/${colour}`;
    const known = this.sourceTargets.get(key);
    if (known) return known;
    const { inputs, checks } = await this.options.cutovers.readInputs(
      cutover.entityRef,
      cutover.plan.clusters,
      { fresh: false },
    );
    const targets = gateTargets(colour, inputs);
    if (checks.length === 0) {
      this.sourceTargets.set(key, targets);
    }
    return targets;
  }
}
