import { MESH_GATEWAY } from '@bluegreen-istio/plugin-bluegreen-common';
import type { V1Deployment, V1Pod, V1Service } from '@kubernetes/client-node';
import {
  HostResolver,
  hostMatches,
  isShortName,
  isWildcard,
  possibleCanonicalNames,
  serviceFqdn,
} from './hosts';
import {
  ClusterObjects,
  DestinationRule,
  Gateway,
  GatewayServer,
  Subset,
  VirtualService,
} from './istio';
import { hasLabels } from './labels';
import { PerList } from './perList';

const DEFAULT_NAMESPACE = 'default';

export function namespaceOf(object: {
  metadata?: { namespace?: string };
}): string {
  return object.metadata?.namespace ?? DEFAULT_NAMESPACE;
}

/** `namespace/name` */
export function qualifiedName(object: {
  metadata?: { name?: string; namespace?: string };
}): string {
  return `${namespaceOf(object)}/${object.metadata?.name ?? ''}`;
}

/**
 * Gateway references are `mesh`, `name` (in the referring object's namespace) or `namespace/name`.
 * Normalised references are `mesh` or `namespace/name`.
 */
export function normaliseGateway(ref: string, namespace: string): string {
  return ref === MESH_GATEWAY || ref.includes('/')
    ? ref
    : `${namespace}/${ref}`;
}

/** The reference as a VirtualService in `namespace` would write it. */
export function displayGateway(ref: string, namespace: string): string {
  return ref.startsWith(`${namespace}/`)
    ? ref.slice(namespace.length + 1)
    : ref;
}

/**
 * Whether proxies in `namespace` see the VirtualService or DestinationRule, by its `exportTo`:
 * absent or empty exports to every namespace (Istio's default), `*` too, `.` to its own.
 */
export function exportedTo(
  object: { metadata?: { namespace?: string }; spec: { exportTo?: string[] } },
  namespace: string,
): boolean {
  const exportTo = object.spec.exportTo ?? [];
  return (
    exportTo.length === 0 ||
    exportTo.some(
      to =>
        to === '*' ||
        to === namespace ||
        (to === '.' && namespaceOf(object) === namespace),
    )
  );
}

/** Normalised gateways a VirtualService is bound to; none listed means the mesh only. */
export function boundGateways(vs: VirtualService): string[] {
  const gateways = vs.spec.gateways ?? [];
  return gateways.length === 0
    ? [MESH_GATEWAY]
    : gateways.map(g => normaliseGateway(g, namespaceOf(vs)));
}

/** Server hosts may carry a namespace prefix (`ns/host`, `./host`, `*\/host`). */
function serverHosts(server: GatewayServer): string[] {
  return server.hosts.map(host =>
    host.slice(host.indexOf('/') + 1).toLowerCase(),
  );
}

export function gatewayServes(gateway: Gateway, host: string): boolean {
  return (gateway.spec.servers ?? []).some(server =>
    serverHosts(server).some(pattern => hostMatches(pattern, host)),
  );
}

function creationTime(vs: VirtualService): number {
  const created = vs.metadata.creationTimestamp;
  return created ? new Date(created).getTime() : Number.MAX_SAFE_INTEGER;
}

/**
 * What a VirtualService is indexed under, kept per object (and its hosts list): lists derived
 * from one another (the planned objects, the objects read back after a write) share most of
 * their objects.
 */
const hostKeys = new WeakMap<
  VirtualService,
  { hosts?: string[]; names: ReadonlySet<string>; wildcard: boolean }
>();

function hostKeysOf(vs: VirtualService) {
  let keys = hostKeys.get(vs);
  if (!keys || keys.hosts !== vs.spec.hosts) {
    const written = vs.spec.hosts ?? [];
    keys = {
      hosts: vs.spec.hosts,
      names: new Set(
        written
          .filter(host => !isWildcard(host))
          .flatMap(host => possibleCanonicalNames(host, namespaceOf(vs))),
      ),
      wildcard: written.some(isWildcard),
    };
    hostKeys.set(vs, keys);
  }
  return keys;
}

/**
 * VirtualServices by the hosts they name, so that finding those that may cover a host costs the
 * same however many the cluster holds. Keyed on every canonical name a written host may take
 * (see {@link possibleCanonicalNames}), so one index serves whichever Services are known; what
 * it returns are candidates, which the host matching of {@link Mesh} then decides on.
 */
class VirtualServiceIndex {
  /** Positions in the list, ascending, by canonical host. */
  private readonly byHost = new Map<string, number[]>();
  /** Positions of those with a wildcard host, which may cover any name. */
  private readonly withWildcard: number[] = [];

  constructor(private readonly list: readonly VirtualService[]) {
    list.forEach((vs, position) => {
      const { names, wildcard } = hostKeysOf(vs);
      if (wildcard) {
        this.withWildcard.push(position);
      }
      for (const name of names) {
        const positions = this.byHost.get(name) ?? [];
        positions.push(position);
        this.byHost.set(name, positions);
      }
    });
  }

  /** Those that may name `fqdn` without a wildcard, in list order. */
  naming(fqdn: string): VirtualService[] {
    return (this.byHost.get(fqdn) ?? []).map(i => this.list[i]);
  }

  /** Those that may cover `fqdn`, by name or by wildcard, in list order. */
  covering(fqdn: string): VirtualService[] {
    const positions = [
      ...new Set([...(this.byHost.get(fqdn) ?? []), ...this.withWildcard]),
    ];
    return positions.sort((a, b) => a - b).map(i => this.list[i]);
  }
}

const virtualServiceIndexes = new PerList<VirtualService, VirtualServiceIndex>(
  list => new VirtualServiceIndex(list),
);

/** The cluster objects, indexed for the lookups routing needs. */
export class Mesh {
  readonly hosts: HostResolver;

  constructor(readonly objects: ClusterObjects) {
    this.hosts = new HostResolver(
      new Set(
        objects.services.map(s =>
          serviceFqdn(s.metadata?.name ?? '', namespaceOf(s)),
        ),
      ),
    );
  }

  /**
   * The Kubernetes Service a host written in `namespace` names; without a namespace, a short
   * name may name a Service in any namespace.
   */
  serviceFor(host: string, namespace?: string): V1Service | undefined {
    return this.objects.services.find(s => {
      const fqdn = serviceFqdn(s.metadata?.name ?? '', namespaceOf(s));
      return this.hosts.canonical(host, namespace ?? namespaceOf(s)) === fqdn;
    });
  }

  /**
   * The DestinationRule for a host written in `namespace`, among those exported to `namespace`,
   * preferring one in that namespace.
   */
  destinationRuleFor(
    host: string,
    namespace: string,
  ): DestinationRule | undefined {
    const rules = this.destinationRulesOf(host, namespace).filter(dr =>
      exportedTo(dr, namespace),
    );
    return rules.find(dr => namespaceOf(dr) === namespace) ?? rules[0];
  }

  /** A DestinationRule for the host that `exportTo` hides from `namespace`. */
  hiddenDestinationRuleFor(
    host: string,
    namespace: string,
  ): DestinationRule | undefined {
    return this.destinationRulesOf(host, namespace).find(
      dr => !exportedTo(dr, namespace),
    );
  }

  private destinationRulesOf(host: string, namespace: string) {
    const fqdn = this.hosts.canonical(host, namespace);
    return this.objects.destinationRules.filter(
      dr => this.hosts.canonical(dr.spec.host, namespaceOf(dr)) === fqdn,
    );
  }

  subsetOf(
    host: string,
    namespace: string,
    subset: string,
  ): Subset | undefined {
    return this.destinationRuleFor(host, namespace)?.spec.subsets?.find(
      s => s.name === subset,
    );
  }

  gateway(ref: string, namespace: string): Gateway | undefined {
    return this.objects.gateways.find(
      g => qualifiedName(g) === normaliseGateway(ref, namespace),
    );
  }

  /** The pods behind a Service: same namespace, selected by its (non-empty) selector. */
  podsOf(service: V1Service | undefined): V1Pod[] {
    const selector = service?.spec?.selector;
    if (!service || !selector || Object.keys(selector).length === 0) {
      return [];
    }
    return this.objects.pods.filter(
      pod =>
        namespaceOf(pod) === namespaceOf(service) &&
        hasLabels(pod.metadata?.labels, selector),
    );
  }

  /** Deployments whose pods the Service selects. */
  deploymentsOf(service: V1Service | undefined): V1Deployment[] {
    const selector = service?.spec?.selector;
    if (!service || !selector || Object.keys(selector).length === 0) {
      return [];
    }
    return this.objects.deployments.filter(
      d =>
        namespaceOf(d) === namespaceOf(service) &&
        hasLabels(d.spec?.template.metadata?.labels, selector),
    );
  }

  /**
   * The VirtualServices with a host covering `host`, in Istio's order of precedence: an exact host
   * beats a wildcard, a longer wildcard a shorter one, an older VirtualService a newer one.
   * A short `host` resolves in `namespace` when given, else in each VirtualService's namespace.
   */
  virtualServicesFor(host: string, namespace?: string): VirtualService[] {
    return this.rankedCandidates(host, namespace).map(c => c.vs);
  }

  /**
   * The VirtualServices whose host matches `host` most closely: the exact ones if any, else those
   * with the longest wildcard. A catch-all (`*`) only counts when nothing closer exists.
   */
  closestVirtualServices(host: string, namespace?: string): VirtualService[] {
    const ranked = this.rankedCandidates(host, namespace);
    return ranked
      .filter(c => c.specificity === ranked[0].specificity)
      .map(c => c.vs);
  }

  /** The VirtualService that handles `host` for traffic entering at `gateway` (`mesh` or a gateway). */
  virtualServiceFor(
    host: string,
    gateway: string,
    namespace?: string,
  ): VirtualService | undefined {
    return this.virtualServicesFor(host, namespace).find(vs =>
      boundGateways(vs).includes(
        normaliseGateway(gateway, namespace ?? namespaceOf(vs)),
      ),
    );
  }

  /**
   * The VirtualServices naming the Service `fqdn` among their hosts explicitly (not by a
   * wildcard), in list order.
   */
  virtualServicesNaming(fqdn: string): VirtualService[] {
    return virtualServiceIndexes
      .get(this.objects.virtualServices)
      .naming(fqdn)
      .filter(vs =>
        (vs.spec.hosts ?? []).some(
          written =>
            !isWildcard(written) &&
            this.hosts.canonical(written, namespaceOf(vs)) === fqdn,
        ),
      );
  }

  /** The VirtualServices that may have a host covering `host`, in list order. */
  private candidatesFor(host: string, namespace?: string): VirtualService[] {
    if (!namespace && isShortName(host)) {
      // Resolves in each VirtualService's own namespace: no one name to look up.
      return this.objects.virtualServices;
    }
    return virtualServiceIndexes
      .get(this.objects.virtualServices)
      .covering(this.hosts.canonical(host, namespace ?? DEFAULT_NAMESPACE));
  }

  private rankedCandidates(
    host: string,
    namespace?: string,
  ): { vs: VirtualService; specificity: number }[] {
    const candidates = this.candidatesFor(host, namespace).flatMap(vs => {
      const fqdn = this.hosts.canonical(host, namespace ?? namespaceOf(vs));
      const specificity = this.hostSpecificity(vs, fqdn);
      return specificity > 0 ? [{ vs, specificity }] : [];
    });
    return candidates.sort(
      (a, b) =>
        b.specificity - a.specificity ||
        creationTime(a.vs) - creationTime(b.vs) ||
        qualifiedName(a.vs).localeCompare(qualifiedName(b.vs)),
    );
  }

  /** 0 when no host of the VirtualService covers `fqdn`; higher for closer matches. */
  private hostSpecificity(vs: VirtualService, fqdn: string): number {
    const scores = (vs.spec.hosts ?? []).map(written => {
      const pattern = this.hosts.canonical(written, namespaceOf(vs));
      if (!hostMatches(pattern, fqdn)) {
        return 0;
      }
      return isWildcard(pattern) ? pattern.length : Number.MAX_SAFE_INTEGER;
    });
    return Math.max(0, ...scores);
  }

  /**
   * The port a request arrives on when the caller does not say: the port of the gateway server
   * accepting the host, or the port of the Service when it has exactly one.
   */
  defaultPort(
    host: string,
    gateway: string,
    namespace: string,
  ): number | undefined {
    if (gateway !== MESH_GATEWAY) {
      const servers = this.gateway(gateway, namespace)?.spec.servers ?? [];
      const fqdn = this.hosts.canonical(host, namespace);
      const server = servers.find(s =>
        serverHosts(s).some(p => hostMatches(p, fqdn)),
      );
      return server?.port?.number;
    }
    const ports = this.serviceFor(host, namespace)?.spec?.ports ?? [];
    return ports.length === 1 ? ports[0].port : undefined;
  }
}
