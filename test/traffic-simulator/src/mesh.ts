/*
 * Where a mesh sends each service's requests, from its VirtualServices and DestinationRules as
 * read from the Kubernetes API. Pure: the simulator does the reads.
 */

/** The subset of an Istio object this model reads; anything else in it is ignored. */
export interface IstioObject {
  metadata: { name?: string; namespace?: string };
  spec?: any;
}

/** One Kubernetes Service the simulated requests reach, and how they split over its subsets. */
export interface ServiceTraffic {
  namespace: string;
  service: string;
  /** `namespace/name` of the VirtualService whose rule decides the split. */
  virtualService: string;
  /**
   * Percent of the service's requests per subset (the colour), summing to 100. A destination
   * without a subset spreads its weight evenly over every subset of the DestinationRule, which
   * is round robin over colours with as many ready pods each.
   */
  shares: Record<string, number>;
  /** The `version` label each subset selects: what Istio reports as `destination_version`. */
  versions: Record<string, string>;
}

/** `name` and `namespace` of an in-mesh host, or undefined for a host outside the cluster. */
export function serviceOfHost(
  host: string,
  namespace: string,
): { service: string; namespace: string } | undefined {
  const parts = host.split('.');
  if (parts.length === 1) return { service: host, namespace };
  if (
    parts.length === 2 ||
    (parts.length === 5 && host.endsWith('.svc.cluster.local'))
  ) {
    return { service: parts[0], namespace: parts[1] };
  }
  return undefined;
}

/**
 * The HTTP rule that the simulated users' requests match: the first that splits (more than one
 * destination, or one without a subset, so a colour is not pinned by it), else the last rule.
 * Rules pinned to a colour (colour hosts, in-mesh affinity) carry other clients' traffic.
 */
function sharedRule(http: any[]): any | undefined {
  return (
    http.find(
      rule =>
        Array.isArray(rule.route) &&
        (rule.route.length > 1 ||
          rule.route.some((r: any) => !r.destination?.subset)),
    ) ?? http[http.length - 1]
  );
}

const keyOf = (namespace: string, service: string) => `${namespace}/${service}`;

/**
 * Every service reached through a subset-aware DestinationRule by some VirtualService's HTTP
 * rules, with its split now. The first VirtualService by namespace and name decides a service
 * routed by several.
 */
export function meshTraffic(
  virtualServices: IstioObject[],
  destinationRules: IstioObject[],
): ServiceTraffic[] {
  const subsetsByService = new Map<string, Record<string, string>>();
  for (const dr of destinationRules) {
    const target = serviceOfHost(
      String(dr.spec?.host ?? ''),
      dr.metadata.namespace ?? 'default',
    );
    const subsets: any[] = dr.spec?.subsets ?? [];
    if (!target || subsets.length === 0) continue;
    subsetsByService.set(
      keyOf(target.namespace, target.service),
      Object.fromEntries(
        subsets.map(s => [String(s.name), String(s.labels?.version ?? s.name)]),
      ),
    );
  }

  const services = new Map<string, ServiceTraffic>();
  const ordered = [...virtualServices].sort((a, b) =>
    keyOf(a.metadata.namespace ?? '', a.metadata.name ?? '').localeCompare(
      keyOf(b.metadata.namespace ?? '', b.metadata.name ?? ''),
    ),
  );
  for (const vs of ordered) {
    const namespace = vs.metadata.namespace ?? 'default';
    const rule = sharedRule(vs.spec?.http ?? []);
    const route: any[] = rule?.route ?? [];
    const split = new Map<string, Record<string, number>>();
    for (const destination of route) {
      const target = serviceOfHost(
        String(destination.destination?.host ?? ''),
        namespace,
      );
      if (!target) continue;
      const key = keyOf(target.namespace, target.service);
      const versions = subsetsByService.get(key);
      if (!versions || services.has(key)) continue;
      const weight = destination.weight ?? (route.length === 1 ? 100 : 0);
      const subset: string | undefined = destination.destination.subset;
      const shares = split.get(key) ?? {};
      const over = subset ? [subset] : Object.keys(versions);
      for (const s of over) {
        shares[s] = (shares[s] ?? 0) + weight / over.length;
      }
      split.set(key, shares);
    }
    for (const [key, shares] of split) {
      const [ns, service] = key.split('/');
      const versions = subsetsByService.get(key)!;
      services.set(key, {
        namespace: ns,
        service,
        virtualService: keyOf(namespace, vs.metadata.name ?? ''),
        shares: normalised(shares, versions),
        versions,
      });
    }
  }
  return [...services.values()];
}

/** Every subset present, shares summing to 100 (weights of other services' routes left out). */
function normalised(
  shares: Record<string, number>,
  versions: Record<string, string>,
): Record<string, number> {
  const total = Object.values(shares).reduce((a, b) => a + b, 0);
  return Object.fromEntries(
    Object.keys(versions).map(subset => [
      subset,
      total === 0 ? 0 : ((shares[subset] ?? 0) * 100) / total,
    ]),
  );
}
