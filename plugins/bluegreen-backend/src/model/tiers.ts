/*
 * Tiers and colours. A tier is one service with a DestinationRule defining subsets (pii-demo:
 * httpd-server, mysql-server); a colour is the set of same-named subsets across tiers.
 */
import type { V1Deployment, V1Pod, V1Service } from '@kubernetes/client-node';
import type {
  Colour,
  ColourTier,
  Workload,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { DestinationRule, Subset } from './istio';
import { Labels, hasLabels, isPodReady } from './labels';
import { Mesh, namespaceOf } from './mesh';

export interface Tier {
  destinationRule: DestinationRule;
  /** The DestinationRule host as written. */
  host: string;
  namespace: string;
  service?: V1Service;
  /** Pods and Deployments behind the Service. */
  pods: V1Pod[];
  deployments: V1Deployment[];
}

/** One tier per DestinationRule with subsets, in the order of the selection (user-facing first). */
export function tiersOf(mesh: Mesh): Tier[] {
  return mesh.objects.destinationRules
    .filter(dr => (dr.spec.subsets ?? []).length > 0)
    .map(dr => {
      const namespace = namespaceOf(dr);
      const service = mesh.serviceFor(dr.spec.host, namespace);
      return {
        destinationRule: dr,
        host: dr.spec.host,
        namespace,
        service,
        pods: mesh.podsOf(service),
        deployments: mesh.deploymentsOf(service),
      };
    });
}

export function subsetPods(tier: Tier, subset: Subset): V1Pod[] {
  return tier.pods.filter(pod =>
    hasLabels(pod.metadata?.labels, subset.labels),
  );
}

/** Colour names in order of first appearance across tiers. */
function colourNames(tiers: Tier[]): string[] {
  const names = tiers.flatMap(t =>
    (t.destinationRule.spec.subsets ?? []).map(s => s.name),
  );
  return [...new Set(names)];
}

/** Every label set that marks a colour's pods, one per tier defining the colour. */
export function colourLabelSets(tiers: Tier[]): Map<string, Labels[]> {
  const sets = new Map<string, Labels[]>();
  for (const subset of tiers.flatMap(
    t => t.destinationRule.spec.subsets ?? [],
  )) {
    sets.set(subset.name, [
      ...(sets.get(subset.name) ?? []),
      subset.labels ?? {},
    ]);
  }
  return sets;
}

function toWorkload(deployment: V1Deployment, tier: Tier): Workload {
  return {
    kind: 'Deployment',
    name: deployment.metadata?.name ?? '',
    namespace: namespaceOf(deployment),
    service: tier.host,
    images: (deployment.spec?.template.spec?.containers ?? []).flatMap(c =>
      c.image ? [c.image] : [],
    ),
    desiredReplicas: deployment.spec?.replicas ?? 1,
    readyReplicas: deployment.status?.readyReplicas ?? 0,
    availableReplicas: deployment.status?.availableReplicas ?? 0,
  };
}

function toColourTier(tier: Tier, subset: Subset): ColourTier {
  const pods = subsetPods(tier, subset);
  return {
    service: tier.host,
    namespace: tier.namespace,
    destinationRule: tier.destinationRule.metadata.name,
    labels: subset.labels ?? {},
    readyPods: pods.filter(isPodReady).length,
    totalPods: pods.length,
  };
}

/** One colour per subset name, grouping that subset of every tier. */
export function buildColours(
  tiers: Tier[],
  hostsByColour: Map<string, string[]>,
): Colour[] {
  return colourNames(tiers).map(name => {
    const members = tiers.flatMap(tier => {
      const subset = tier.destinationRule.spec.subsets?.find(
        s => s.name === name,
      );
      return subset ? [{ tier, subset }] : [];
    });
    const colourTiers = members.map(({ tier, subset }) =>
      toColourTier(tier, subset),
    );
    const workloads = members.flatMap(({ tier, subset }) =>
      tier.deployments
        .filter(d =>
          hasLabels(d.spec?.template.metadata?.labels, subset.labels),
        )
        .map(d => toWorkload(d, tier)),
    );
    return {
      name,
      service: colourTiers[0].service,
      labels: colourTiers[0].labels,
      workloads,
      readyPods: colourTiers.reduce((n, t) => n + t.readyPods, 0),
      totalPods: colourTiers.reduce((n, t) => n + t.totalPods, 0),
      hosts: hostsByColour.get(name) ?? [],
      tiers: colourTiers,
    };
  });
}
