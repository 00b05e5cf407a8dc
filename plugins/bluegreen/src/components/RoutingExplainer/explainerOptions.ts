import {
  ClusterBlueGreenState,
  MESH_GATEWAY,
} from '@bluegreen-istio/plugin-bluegreen-common';

function unique(values: string[]): string[] {
  return [...new Set(values.filter(Boolean))];
}

/** Hosts worth offering: the entity's own first, then every host the rules and colours name. */
export function hostSuggestions(
  entityHosts: string[],
  clusters: ClusterBlueGreenState[],
): string[] {
  const fromState = clusters.flatMap(cluster => [
    ...cluster.splits.map(s => s.host),
    ...cluster.colours.flatMap(c => c.hosts),
    ...cluster.routes.flatMap(r =>
      r.matches.flatMap(m => [
        m.authority?.exact ?? '',
        m.headers?.host?.exact ?? '',
        ...(m.hosts ?? []),
      ]),
    ),
    ...cluster.routes.flatMap(r => r.destinations.map(d => d.host)),
  ]);
  return unique([...entityHosts, ...fromState]);
}

/** Gateways the request could enter through, besides the mesh. */
export function gatewaySuggestions(
  clusters: ClusterBlueGreenState[],
): string[] {
  return unique(
    clusters.flatMap(cluster => [
      ...cluster.splits.flatMap(s => s.viaGateways),
      ...cluster.routes.flatMap(r => r.matches.flatMap(m => m.gateways ?? [])),
    ]),
  ).filter(g => g !== MESH_GATEWAY);
}
