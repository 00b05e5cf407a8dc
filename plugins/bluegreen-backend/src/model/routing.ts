/*
 * Where a rule's traffic ends up: configured weights turned into shares, and destinations without
 * a subset spread over the colours in proportion to their ready pods (Envoy round robin over the
 * Service's endpoints).
 */
import type { V1Pod } from '@kubernetes/client-node';
import { Destination, RouteDestination } from './istio';
import { hasLabels, isPodReady } from './labels';
import { Mesh } from './mesh';

export interface WeightedDestination {
  destination: Destination;
  /** As configured. */
  weight: number | null;
  /** Fraction of the rule's traffic, 0-1. */
  share: number;
}

/** Where a share of traffic lands. */
export interface PodShare {
  /** The destination host as written. */
  host: string;
  subset: string | null;
  colour: string | null;
  weight: number | null;
  /** 0-100, unrounded. */
  percent: number;
  readyPods: V1Pod[];
}

/**
 * A lone destination takes all traffic whatever its weight; otherwise each gets
 * weight / sum of weights, a missing weight counting as 0 (Istio's RouteDestination semantics).
 * Negative weights, which Istio rejects, count as 0.
 */
export function weightShares(route: RouteDestination[]): WeightedDestination[] {
  if (route.length === 1) {
    return [
      {
        destination: route[0].destination,
        weight: route[0].weight ?? null,
        share: 1,
      },
    ];
  }
  const weights = route.map(r => Math.max(0, r.weight ?? 0));
  const total = weights.reduce((a, b) => a + b, 0);
  return route.map((r, i) => ({
    destination: r.destination,
    weight: r.weight ?? null,
    share: total > 0 ? weights[i] / total : 0,
  }));
}

/** The subset all of a rule's traffic goes to, if there is exactly one. */
export function pinnedSubset(route: RouteDestination[]): string | undefined {
  const subsets = new Set(
    weightShares(route)
      .filter(d => d.share > 0)
      .map(d => d.destination.subset),
  );
  const [only] = subsets;
  return subsets.size === 1 ? only : undefined;
}

/**
 * The subset a rule is dedicated to: every destination names it. A weighted route over several
 * subsets is a split even while one of them has all the weight (100/0 after a switch), so the
 * hosts it serves are shared, not pinned to a colour.
 */
export function dedicatedSubset(route: RouteDestination[]): string | undefined {
  const subsets = new Set(route.map(d => d.destination.subset));
  const [only] = subsets;
  return subsets.size === 1 ? only : undefined;
}

/** The ready pods of a Service split by the subset (colour) that selects them; null for none. */
function readyPodsByColour(
  mesh: Mesh,
  host: string,
  namespace: string,
): Map<string | null, V1Pod[]> {
  const subsets = mesh.destinationRuleFor(host, namespace)?.spec.subsets ?? [];
  const byColour = new Map<string | null, V1Pod[]>(
    subsets.map(s => [s.name, []]),
  );
  for (const pod of mesh
    .podsOf(mesh.serviceFor(host, namespace))
    .filter(isPodReady)) {
    const colour =
      subsets.find(s => hasLabels(pod.metadata?.labels, s.labels))?.name ??
      null;
    byColour.set(colour, [...(byColour.get(colour) ?? []), pod]);
  }
  return byColour;
}

function roundRobinShares(
  mesh: Mesh,
  weighted: WeightedDestination,
  namespace: string,
): PodShare[] {
  const { host } = weighted.destination;
  const byColour = readyPodsByColour(mesh, host, namespace);
  const readyTotal = [...byColour.values()].reduce(
    (n, pods) => n + pods.length,
    0,
  );
  if (byColour.size === 0) {
    // No colours and no ready pods: the share still goes to the Service, which cannot serve it.
    return [
      {
        host,
        subset: null,
        colour: null,
        weight: weighted.weight,
        percent: weighted.share * 100,
        readyPods: [],
      },
    ];
  }
  return [...byColour].map(([colour, pods]) => ({
    host,
    subset: null,
    colour,
    weight: weighted.weight,
    percent:
      readyTotal > 0 ? (weighted.share * 100 * pods.length) / readyTotal : 0,
    readyPods: pods,
  }));
}

function subsetShare(
  mesh: Mesh,
  weighted: WeightedDestination,
  namespace: string,
  subset: string,
): PodShare {
  const { host } = weighted.destination;
  const labels = mesh.subsetOf(host, namespace, subset)?.labels;
  // A subset the DestinationRule lacks has no endpoints.
  const readyPods = labels
    ? mesh
        .podsOf(mesh.serviceFor(host, namespace))
        .filter(p => isPodReady(p) && hasLabels(p.metadata?.labels, labels))
    : [];
  return {
    host,
    subset,
    colour: subset,
    weight: weighted.weight,
    percent: weighted.share * 100,
    readyPods,
  };
}

/** Where the traffic of a route, written in `namespace`, lands. */
export function resolveRoute(
  mesh: Mesh,
  route: RouteDestination[],
  namespace: string,
): PodShare[] {
  return weightShares(route).flatMap(weighted =>
    weighted.destination.subset === undefined
      ? roundRobinShares(mesh, weighted, namespace)
      : [subsetShare(mesh, weighted, namespace, weighted.destination.subset)],
  );
}

/** Share per colour over several pod shares. */
export function percentByColour(
  shares: PodShare[],
): Map<string | null, number> {
  const totals = new Map<string | null, number>();
  for (const share of shares) {
    totals.set(share.colour, (totals.get(share.colour) ?? 0) + share.percent);
  }
  return totals;
}

export function roundPercent(percent: number): number {
  return Math.round(percent * 100) / 100;
}
