/*
 * The new destinations of one shared-split rule. Only the rule's `route` list changes; every
 * other field of the rule and of each kept destination stays as written.
 */
import { RouteDestination } from '../model/istio';

/**
 * The colour each destination serves: its subset when the tier's DestinationRule defines it,
 * else null (a destination without a subset is round robin over every colour).
 */
export interface TierSubsets {
  /** Subset names the destination host's DestinationRule defines, in its order. */
  subsets: string[];
}

/**
 * Destinations for `weights` on a rule currently routing to `current`:
 *
 * - a destination already naming a colour's subset is kept (with its port, headers, …) and gets
 *   that colour's weight; a second one for the same colour gets 0;
 * - a colour without a destination gets one, copying the host and port of the rule's first
 *   destination for this tier (this is how round robin becomes explicit);
 * - a destination without a subset is replaced by the explicit per-colour destinations;
 * - a destination of another host than the first one's stays, with weight 0;
 * - every subset of the tier gets a destination, with weight 0 when it receives nothing, so the
 *   route lists the colours one can move traffic back to.
 */
export function plannedRoute(
  current: RouteDestination[],
  tier: TierSubsets,
  weights: Record<string, number>,
): RouteDestination[] {
  const template = current[0]?.destination;
  if (!template) {
    return current;
  }
  const claimed = new Set<string>();
  const kept: RouteDestination[] = [];
  for (const destination of current) {
    if (destination.destination.host !== template.host) {
      // Another service: left in place, but it no longer takes a share of the split.
      kept.push({ ...destination, weight: 0 });
      continue;
    }
    const subset = destination.destination.subset;
    if (subset === undefined || !tier.subsets.includes(subset)) {
      continue;
    }
    const weight = claimed.has(subset) ? 0 : weights[subset] ?? 0;
    claimed.add(subset);
    kept.push({ ...destination, weight });
  }
  const added = tier.subsets
    .filter(subset => !claimed.has(subset))
    .map(
      (subset): RouteDestination => ({
        destination: {
          ...withoutSubset(template),
          subset,
        },
        weight: weights[subset] ?? 0,
      }),
    );
  // Kept destinations stay where they were; new ones follow in the DestinationRule's order.
  return [...kept, ...added];
}

function withoutSubset(
  destination: RouteDestination['destination'],
): RouteDestination['destination'] {
  const { subset: _subset, ...rest } = destination;
  return rest;
}
