import type { Finding } from '@bluegreen-istio/plugin-bluegreen-common';
import { Analysis } from '../analysis';
import { Subset } from '../istio';
import { formatLabels, hasLabels, isPodReady, podName } from '../labels';
import { namespaceOf, qualifiedName } from '../mesh';
import { weightShares } from '../routing';
import { Tier, subsetPods } from '../tiers';
import { finding } from './finding';

/** `fqdn|subset` of every subset some rule sends a positive share of traffic to. */
function routedSubsets({ mesh, rules }: Analysis): Set<string> {
  return new Set(
    rules.flatMap(rule =>
      weightShares(rule.route)
        .filter(d => d.share > 0 && d.destination.subset !== undefined)
        .map(
          d =>
            `${mesh.hosts.canonical(
              d.destination.host,
              namespaceOf(rule.vs),
            )}|${d.destination.subset}`,
        ),
    ),
  );
}

function emptySubsetFinding(
  tier: Tier,
  subset: Subset,
  routed: boolean,
): Finding | undefined {
  const pods = subsetPods(tier, subset);
  const dr = qualifiedName(tier.destinationRule);
  const what = `Subset '${subset.name}' of ${
    tier.host
  } (DestinationRule ${dr}, labels ${formatLabels(subset.labels)})`;
  // An idle colour with no pods is normal between releases; one that receives traffic is an outage.
  const severity = routed ? 'error' : 'warning';
  const consequence = routed ? ' Traffic routed to it fails with 503.' : '';
  if (pods.length === 0) {
    const scope = tier.service
      ? `selects no pods of Service ${qualifiedName(tier.service)}`
      : `has no pods: there is no Service ${tier.host} in namespace ${tier.namespace}`;
    return finding(
      'subset-no-pods',
      severity,
      'DestinationRule',
      tier.destinationRule,
      `${what} ${scope}.${consequence}`,
      `Deploy (or scale up) a workload for '${
        subset.name
      }' whose pod template carries ${formatLabels({
        ...tier.service?.spec?.selector,
        ...subset.labels,
      })}, or correct the subset's labels in DestinationRule ${dr}.`,
    );
  }
  if (!pods.some(isPodReady)) {
    return finding(
      'subset-no-ready-pods',
      severity,
      'DestinationRule',
      tier.destinationRule,
      `${what} selects ${pods.length} pod(s), none ready: ${pods
        .map(podName)
        .join(', ')}.${consequence}`,
      `Find out why the pods are not ready (kubectl -n ${
        tier.namespace
      } describe pod ${podName(
        pods[0],
      )}) and fix the workload before sending traffic to '${subset.name}'.`,
    );
  }
  return undefined;
}

function overlapFinding(tier: Tier, a: Subset, b: Subset): Finding | undefined {
  const shared = subsetPods(tier, a).filter(pod =>
    hasLabels(pod.metadata?.labels, b.labels),
  );
  // Even with no pods yet, labels contained in the other subset's will overlap once pods exist.
  const nested = hasLabels(b.labels, a.labels) || hasLabels(a.labels, b.labels);
  if (shared.length === 0 && !nested) {
    return undefined;
  }
  const evidence =
    shared.length > 0
      ? `both select ${shared.map(podName).join(', ')}`
      : `the labels of one contain the other's, so every pod of one is also in the other`;
  return finding(
    'subset-overlap',
    'error',
    'DestinationRule',
    tier.destinationRule,
    `Subsets '${a.name}' (${formatLabels(a.labels)}) and '${
      b.name
    }' (${formatLabels(b.labels)}) of ${
      tier.host
    } overlap: ${evidence}. Traffic for one colour reaches the other.`,
    `Give each subset of DestinationRule ${qualifiedName(
      tier.destinationRule,
    )} a label value no other subset shares (e.g. version: ${
      a.name
    } / version: ${b.name}) and set it on the matching pod templates.`,
  );
}

export function subsetFindings(analysis: Analysis): Finding[] {
  const routed = routedSubsets(analysis);
  return analysis.tiers.flatMap(tier => {
    const subsets = tier.destinationRule.spec.subsets ?? [];
    const fqdn = analysis.mesh.hosts.canonical(tier.host, tier.namespace);
    const empty = subsets.map(s =>
      emptySubsetFinding(tier, s, routed.has(`${fqdn}|${s.name}`)),
    );
    const overlaps = subsets.flatMap((a, i) =>
      subsets.slice(i + 1).map(b => overlapFinding(tier, a, b)),
    );
    return [...empty, ...overlaps].filter((f): f is Finding => f !== undefined);
  });
}
