import { ClusterObjects } from './istio';
import { Labels } from './labels';
import { Mesh } from './mesh';
import { Rule, rulesOf } from './rules';
import { selectForHosts } from './select';
import { Tier, colourLabelSets, tiersOf } from './tiers';
import { HostRoute, routeHosts } from './traffic';

/** What the state, the rule classification and the findings are all derived from. */
export interface Analysis {
  /** The selected objects only. */
  mesh: Mesh;
  userFacingHosts: string[];
  /** The entity's namespace, where its short hosts resolve; all namespaces when absent. */
  namespace?: string;
  tiers: Tier[];
  colourLabels: Map<string, Labels[]>;
  /** Every rule of the selected VirtualServices. */
  rules: Rule[];
  hostRoutes: HostRoute[];
}

export function analyse(
  hosts: string[],
  objects: ClusterObjects,
  namespace?: string,
): Analysis {
  const mesh = new Mesh(selectForHosts(hosts, objects, namespace));
  const tiers = tiersOf(mesh);
  return {
    mesh,
    userFacingHosts: hosts,
    namespace,
    tiers,
    colourLabels: colourLabelSets(tiers),
    rules: mesh.objects.virtualServices.flatMap(rulesOf),
    hostRoutes: routeHosts(mesh, hosts, namespace),
  };
}
