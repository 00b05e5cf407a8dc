/*
 * A progressive rollout's settings resolved from the request and the configured defaults, and
 * what each step means for the routes and for Prometheus. Pure: nothing here does I/O.
 */
import { InputError } from '@backstage/errors';
import {
  DEFAULT_ROLLOUT_STEPS,
  ProgressiveAction,
  RolloutGates,
  RolloutState,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { analyse } from '../model/analysis';
import { namespaceOf } from '../model/mesh';
import { computeClusterState } from '../model/state';
import { ClusterInput } from '../planner';

export interface RolloutDefaults {
  intervalSeconds: number;
  /** The shortest interval a request may ask for. */
  minIntervalSeconds: number;
  gates: Required<RolloutGates>;
}

export const DEFAULT_INTERVAL_SECONDS = 120;
export const DEFAULT_MIN_INTERVAL_SECONDS = 10;

export type RolloutSettings = Pick<
  RolloutState,
  'colour' | 'steps' | 'intervalSeconds' | 'mode' | 'gates'
>;

/** The request's settings over the defaults; an InputError names the field at fault. */
export function resolveSettings(
  action: ProgressiveAction,
  defaults: RolloutDefaults,
): RolloutSettings {
  const steps = action.steps ?? [...DEFAULT_ROLLOUT_STEPS];
  if (
    steps.length === 0 ||
    steps.some((s, i) => !Number.isInteger(s) || s < 1 || s <= steps[i - 1]) ||
    steps[steps.length - 1] !== 100
  ) {
    throw new InputError(
      `action.steps: [${steps.join(
        ', ',
      )}] is not a list of whole percents from 1, increasing, ending at 100 (e.g. [10, 30, 50, 100])`,
    );
  }
  const intervalSeconds = action.intervalSeconds ?? defaults.intervalSeconds;
  if (intervalSeconds < defaults.minIntervalSeconds) {
    throw new InputError(
      `action.intervalSeconds: ${intervalSeconds} is shorter than the shortest interval accepted, ${defaults.minIntervalSeconds} s`,
    );
  }
  return {
    colour: action.colour,
    steps,
    intervalSeconds,
    mode: action.mode ?? 'auto',
    gates: { ...defaults.gates, ...action.gates },
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
