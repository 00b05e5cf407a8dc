/*
 * A progressive rollout's settings resolved from the request, the entity's annotations and the
 * configured defaults, and what each step means for the routes and for Prometheus. Pure:
 * nothing here does I/O.
 */
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  ANNOTATION_ROLLOUT_INTERVAL,
  ANNOTATION_ROLLOUT_MAX_P99_MS,
  ANNOTATION_ROLLOUT_MIN_REQUESTS,
  ANNOTATION_ROLLOUT_MIN_SUCCESS_RATE,
  ANNOTATION_ROLLOUT_MODE,
  ANNOTATION_ROLLOUT_NO_DATA_INTERVALS,
  ANNOTATION_ROLLOUT_STEPS,
  DEFAULT_ROLLOUT_GATES,
  DEFAULT_ROLLOUT_STEPS,
  parseAnnotationList,
  ProgressiveAction,
  RolloutGates,
  RolloutState,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { analyse } from '../model/analysis';
import { namespaceOf } from '../model/mesh';
import { computeClusterState } from '../model/state';
import { ClusterInput } from '../planner';

export interface RolloutDefaults {
  steps: number[];
  mode: 'auto' | 'manual';
  intervalSeconds: number;
  /** The shortest interval a request may ask for. */
  minIntervalSeconds: number;
  gates: Required<RolloutGates>;
}

const DEFAULT_INTERVAL_SECONDS = 120;
const DEFAULT_MIN_INTERVAL_SECONDS = 10;

export type RolloutSettings = Pick<
  RolloutState,
  'colour' | 'steps' | 'intervalSeconds' | 'mode' | 'gates'
>;

/** Whole percents from 1, increasing, ending at 100. */
function validSteps(steps: number[]): boolean {
  return (
    steps.length > 0 &&
    steps.every(
      (s, i) => Number.isInteger(s) && s >= 1 && (i === 0 || s > steps[i - 1]),
    ) &&
    steps[steps.length - 1] === 100
  );
}

/**
 * The defaults of `bluegreen.rollouts` (see config.d.ts), with the built-in ones where a key is
 * absent. A value that cannot be a default fails the backend's start, naming the key.
 */
export function rolloutDefaultsFromConfig(
  rollouts: Config | undefined,
): RolloutDefaults {
  const gates = rollouts?.getOptionalConfig('gates');
  const steps = rollouts?.getOptional<number[]>('steps') ?? [
    ...DEFAULT_ROLLOUT_STEPS,
  ];
  if (!Array.isArray(steps) || !validSteps(steps)) {
    throw new Error(
      `bluegreen.rollouts.steps: ${JSON.stringify(
        steps,
      )} is not a list of whole percents from 1, increasing, ending at 100 (e.g. [10, 30, 50, 100])`,
    );
  }
  const mode = rollouts?.getOptionalString('mode') ?? 'auto';
  if (mode !== 'auto' && mode !== 'manual') {
    throw new Error(
      `bluegreen.rollouts.mode: '${mode}' is neither 'auto' nor 'manual'`,
    );
  }
  return {
    steps,
    mode,
    intervalSeconds:
      rollouts?.getOptionalNumber('intervalSeconds') ??
      DEFAULT_INTERVAL_SECONDS,
    minIntervalSeconds:
      rollouts?.getOptionalNumber('minIntervalSeconds') ??
      DEFAULT_MIN_INTERVAL_SECONDS,
    gates: {
      minSuccessRatePercent:
        gates?.getOptionalNumber('minSuccessRatePercent') ??
        DEFAULT_ROLLOUT_GATES.minSuccessRatePercent,
      maxLatencyP99Ms:
        gates?.getOptionalNumber('maxLatencyP99Ms') ??
        DEFAULT_ROLLOUT_GATES.maxLatencyP99Ms,
      minRequests:
        gates?.getOptionalNumber('minRequests') ??
        DEFAULT_ROLLOUT_GATES.minRequests,
      noDataIntervals:
        gates?.getOptionalNumber('noDataIntervals') ??
        DEFAULT_ROLLOUT_GATES.noDataIntervals,
    },
  };
}

/** An entity's annotations, to read its own rollout defaults from. */
export interface RolloutEntity {
  entityRef: string;
  annotations: Record<string, string>;
}

type EntityDefaults = Partial<
  Pick<RolloutSettings, 'steps' | 'intervalSeconds' | 'mode'>
> & { gates: RolloutGates };

/**
 * The rollout defaults an entity sets by annotation. A value that does not parse is an
 * InputError naming the annotation, the value and the fix: a typo never silently falls back.
 */
export function annotationDefaults(entity: RolloutEntity): EntityDefaults {
  const read = (
    annotation: string,
    what: string,
    example: string,
    parse: (value: string) => number | undefined,
  ): number | undefined => {
    const value = entity.annotations[annotation]?.trim();
    if (value === undefined || value === '') return undefined;
    const parsed = parse(value);
    if (parsed === undefined) {
      throw new InputError(
        `${entity.entityRef} has annotation ${annotation}: '${value}', which is not ${what}: fix it in the entity's catalog-info.yaml (e.g. ${annotation}: "${example}") or remove it to use the configured default`,
      );
    }
    return parsed;
  };
  const number = (min: number, max: number, whole: boolean) => (v: string) => {
    const n = Number(v);
    return Number.isFinite(n) &&
      n >= min &&
      n <= max &&
      (!whole || Number.isInteger(n))
      ? n
      : undefined;
  };

  const defaults: EntityDefaults = { gates: {} };
  const stepsValue = entity.annotations[ANNOTATION_ROLLOUT_STEPS];
  if (stepsValue !== undefined && stepsValue.trim() !== '') {
    const steps = parseAnnotationList(stepsValue).map(Number);
    if (!validSteps(steps)) {
      throw new InputError(
        `${entity.entityRef} has annotation ${ANNOTATION_ROLLOUT_STEPS}: '${stepsValue}', which is not a comma-separated list of whole percents from 1, increasing, ending at 100: fix it in the entity's catalog-info.yaml (e.g. ${ANNOTATION_ROLLOUT_STEPS}: "10,30,50,100") or remove it to use the default steps`,
      );
    }
    defaults.steps = steps;
  }
  defaults.intervalSeconds = read(
    ANNOTATION_ROLLOUT_INTERVAL,
    'a duration in whole seconds or minutes',
    '90s',
    v => {
      const match = /^(\d+)\s*(s|m)?$/.exec(v);
      if (!match) return undefined;
      return Number(match[1]) * (match[2] === 'm' ? 60 : 1);
    },
  );
  const mode = entity.annotations[ANNOTATION_ROLLOUT_MODE]?.trim();
  if (mode) {
    if (mode !== 'auto' && mode !== 'manual') {
      throw new InputError(
        `${entity.entityRef} has annotation ${ANNOTATION_ROLLOUT_MODE}: '${mode}', which is neither auto nor manual: fix it in the entity's catalog-info.yaml (e.g. ${ANNOTATION_ROLLOUT_MODE}: manual) or remove it to use auto`,
      );
    }
    defaults.mode = mode;
  }
  defaults.gates = Object.fromEntries(
    Object.entries({
      minSuccessRatePercent: read(
        ANNOTATION_ROLLOUT_MIN_SUCCESS_RATE,
        'a percent from 0 to 100',
        '99.5',
        number(0, 100, false),
      ),
      maxLatencyP99Ms: read(
        ANNOTATION_ROLLOUT_MAX_P99_MS,
        'a number of milliseconds above 0',
        '300',
        v => (Number(v) > 0 ? number(0, Infinity, false)(v) : undefined),
      ),
      minRequests: read(
        ANNOTATION_ROLLOUT_MIN_REQUESTS,
        'a whole number from 0',
        '50',
        number(0, Number.MAX_SAFE_INTEGER, true),
      ),
      noDataIntervals: read(
        ANNOTATION_ROLLOUT_NO_DATA_INTERVALS,
        'a whole number from 0 to 100',
        '2',
        number(0, 100, true),
      ),
    }).filter(([, v]) => v !== undefined),
  );
  return defaults;
}

/**
 * The settings of a rollout: what the request names, else what the entity's annotations say,
 * else the configured defaults (which fall back to the built-in ones). An InputError names the
 * field or annotation at fault.
 */
export function resolveSettings(
  action: ProgressiveAction,
  defaults: RolloutDefaults,
  entity?: RolloutEntity,
): RolloutSettings {
  const own = entity ? annotationDefaults(entity) : { gates: {} };
  const steps = action.steps ?? own.steps ?? [...defaults.steps];
  if (!validSteps(steps)) {
    throw new InputError(
      `action.steps: [${steps.join(
        ', ',
      )}] is not a list of whole percents from 1, increasing, ending at 100 (e.g. [10, 30, 50, 100])`,
    );
  }
  const intervalSeconds =
    action.intervalSeconds ?? own.intervalSeconds ?? defaults.intervalSeconds;
  if (intervalSeconds < defaults.minIntervalSeconds) {
    throw new InputError(
      action.intervalSeconds !== undefined
        ? `action.intervalSeconds: ${intervalSeconds} is shorter than the shortest interval accepted, ${defaults.minIntervalSeconds} s`
        : `${entity?.entityRef} has annotation ${ANNOTATION_ROLLOUT_INTERVAL}: '${entity?.annotations[ANNOTATION_ROLLOUT_INTERVAL]}', shorter than the shortest interval accepted, ${defaults.minIntervalSeconds} s: fix it in the entity's catalog-info.yaml`,
    );
  }
  return {
    colour: action.colour,
    steps,
    intervalSeconds,
    mode: action.mode ?? own.mode ?? defaults.mode,
    gates: { ...defaults.gates, ...own.gates, ...action.gates },
  };
}

/**
 * The colour the rollout takes traffic from: the one other than `colour` that receives the most
 * on the shared hosts now, over every cluster. Undefined when no other colour receives any.
 */
export function sourceColour(
  colour: string,
  inputs: ClusterInput[],
): string | undefined {
  const totals = new Map<string, number>();
  for (const input of inputs) {
    for (const split of computeClusterState(input).splits) {
      for (const d of split.destinations) {
        if (d.colour && d.colour !== colour) {
          totals.set(d.colour, (totals.get(d.colour) ?? 0) + d.percent);
        }
      }
    }
  }
  const ranked = [...totals.entries()]
    .filter(([, total]) => total > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return ranked[0]?.[0];
}

/** The weights of one step: `percent` on the new colour, the rest on the source colour. */
export function stepWeights(
  colour: string,
  from: string,
  percent: number,
): Record<string, number> {
  return percent === 100
    ? { [colour]: 100, [from]: 0 }
    : { [colour]: percent, [from]: 100 - percent };
}

/**
 * The Kubernetes Services behind the shared hosts, with the `destination_version` Istio reports
 * for `colour`: the `version` label its DestinationRule subset selects (the subset name when the
 * subset selects by another label, as Istio then reports the pods' own `version` label, which the
 * subsets of this product name after the colour).
 */
export function gateTargets(
  colour: string,
  inputs: ClusterInput[],
): RolloutState['targets'] {
  const targets = new Map<string, RolloutState['targets'][number]>();
  for (const input of inputs) {
    const analysis = analyse(input.hosts, input.objects, input.namespace);
    for (const hostRoute of analysis.hostRoutes) {
      if (hostRoute.pinnedColour !== undefined) continue;
      const vsNamespace = namespaceOf(hostRoute.rule.vs);
      for (const route of hostRoute.rule.route) {
        const host = route.destination.host;
        const service = analysis.mesh.serviceFor(host, vsNamespace);
        const subset = analysis.mesh.subsetOf(host, vsNamespace, colour);
        if (!service?.metadata?.name || !subset) continue;
        const target = {
          cluster: input.cluster,
          namespace: namespaceOf(service),
          service: service.metadata.name,
          version: subset.labels?.version ?? colour,
        };
        targets.set(
          `${target.cluster}/${target.namespace}/${target.service}`,
          target,
        );
      }
    }
  }
  return [...targets.values()];
}
