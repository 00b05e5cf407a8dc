import { MESH_GATEWAY } from '@bluegreen-istio/plugin-bluegreen-common';
import { serviceFqdn } from './hosts';
import { ClusterObjects, VirtualService } from './istio';
import {
  Mesh,
  boundGateways,
  exportedTo,
  namespaceOf,
  qualifiedName,
} from './mesh';
import { PerList } from './perList';
import { blockGateways, rulesOf } from './rules';

function inNamespace<T extends { metadata?: { namespace?: string } }>(
  items: T[],
  namespace: string,
): T[] {
  return items.filter(item => namespaceOf(item) === namespace);
}

/**
 * Whether a VirtualService of another namespace can route traffic of an entity in `namespace`:
 * its `exportTo` must reach the proxies that apply it — the entity's own sidecars for `mesh`
 * (the callers the model knows are the entity's tiers), a bound Gateway's namespace otherwise.
 */
export function routesInto(vs: VirtualService, namespace: string): boolean {
  return boundGateways(vs).some(gateway =>
    exportedTo(
      vs,
      gateway === MESH_GATEWAY
        ? namespace
        : gateway.slice(0, gateway.indexOf('/')),
    ),
  );
}

/** One list's VirtualServices that {@link routesInto} each namespace asked about, in list order. */
const virtualServicesInto = new PerList<VirtualService, VirtualService[]>(
  // Frozen: every caller asking about the namespace gets this same list.
  (list, namespace) =>
    Object.freeze(
      list.filter(
        vs => namespaceOf(vs) === namespace || routesInto(vs, namespace),
      ),
    ) as VirtualService[],
);

/**
 * The objects of one namespace, plus every Gateway (they often live in `istio-system`) and the
 * VirtualServices of other namespaces that {@link routesInto} it (shared routing namespaces).
 */
export function scopeToNamespace(
  objects: ClusterObjects,
  namespace: string,
): ClusterObjects {
  return {
    virtualServices: virtualServicesInto.get(
      objects.virtualServices,
      namespace,
    ),
    destinationRules: inNamespace(objects.destinationRules, namespace),
    gateways: objects.gateways,
    services: inNamespace(objects.services, namespace),
    deployments: inNamespace(objects.deployments, namespace),
    pods: inNamespace(objects.pods, namespace),
  };
}

/**
 * The objects that decide where traffic for an entity's hosts goes:
 *
 * 1. for each of `hosts`, the VirtualServices whose hosts match it most closely (an exact host
 *    over a wildcard, so another application's catch-all `*` is not pulled in; short names
 *    resolve in `namespace`, or else in each VirtualService's own namespace);
 * 2. the services their rules route to, plus the `hosts` that are Services themselves;
 * 3. VirtualServices naming one of those services explicitly (not by wildcard), since they route
 *    in-mesh calls to the same workloads — repeated until nothing new is reached;
 * 4. the DestinationRules and Services of those services, the Deployments and Pods the Services
 *    select, and the Gateways the VirtualServices bind.
 *
 * Services called only from application code (pii-demo's web tier calling `mysql-server`) are
 * invisible in routing, which is why the entity lists them among its hosts.
 *
 * With `namespace`, everything but Gateways (which often live in `istio-system`) and
 * VirtualServices exported to it from other namespaces must be in it.
 */
export function selectForHosts(
  hosts: string[],
  objects: ClusterObjects,
  namespace?: string,
): ClusterObjects {
  const scoped = namespace ? scopeToNamespace(objects, namespace) : objects;
  const mesh = new Mesh(scoped);
  const canonical = (host: string, writtenIn: string) =>
    mesh.hosts.canonical(host, writtenIn);

  const virtualServices: VirtualService[] = [];
  const serviceFqdns: string[] = [];
  const addService = (fqdn: string) => {
    if (!serviceFqdns.includes(fqdn)) serviceFqdns.push(fqdn);
  };
  const addVirtualService = (vs: VirtualService) => {
    if (virtualServices.includes(vs)) return;
    virtualServices.push(vs);
    for (const rule of rulesOf(vs)) {
      rule.route.forEach(r =>
        addService(canonical(r.destination.host, namespaceOf(vs))),
      );
    }
  };

  for (const host of hosts) {
    mesh.closestVirtualServices(host, namespace).forEach(addVirtualService);
    for (const service of scoped.services) {
      const fqdn = serviceFqdn(
        service.metadata?.name ?? '',
        namespaceOf(service),
      );
      if (canonical(host, namespace ?? namespaceOf(service)) === fqdn)
        addService(fqdn);
    }
  }
  // serviceFqdns grows while VirtualServices are added: this walks to the fixpoint.
  for (let i = 0; i < serviceFqdns.length; i++) {
    mesh.virtualServicesNaming(serviceFqdns[i]).forEach(addVirtualService);
  }

  const byServiceOrder = <T>(items: T[], fqdnOf: (item: T) => string) =>
    serviceFqdns.flatMap(fqdn => items.filter(item => fqdnOf(item) === fqdn));
  const services = byServiceOrder(scoped.services, s =>
    serviceFqdn(s.metadata?.name ?? '', namespaceOf(s)),
  );
  const destinationRules = byServiceOrder(scoped.destinationRules, dr =>
    canonical(dr.spec.host, namespaceOf(dr)),
  );
  const gatewayRefs = new Set(
    virtualServices.flatMap(vs => [
      ...boundGateways(vs),
      ...rulesOf(vs).flatMap(rule =>
        rule.blocks.flatMap(block => blockGateways(rule, block)),
      ),
    ]),
  );
  gatewayRefs.delete(MESH_GATEWAY);

  return {
    virtualServices,
    destinationRules,
    gateways: scoped.gateways.filter(g => gatewayRefs.has(qualifiedName(g))),
    services,
    deployments: [...new Set(services.flatMap(s => mesh.deploymentsOf(s)))],
    pods: [...new Set(services.flatMap(s => mesh.podsOf(s)))],
  };
}
