/*
 * Routing kept in a shared namespace: not one of the demo scenarios, so built here from the
 * generic builders. Every call builds fresh objects to mutate.
 */
import { ClusterObjects } from '../istio';
import {
  destinationRule,
  merge,
  service,
  virtualService,
  workload,
  workloads,
} from './objects';

export const CHECKOUT_NAMESPACE = 'payments';
const ROUTING_NAMESPACE = 'mesh-routing';
/** The entity's `bluegreen/istio-hosts`: the Service, written short as teams write it. */
export const CHECKOUT_HOSTS = ['checkout'];

export interface SharedRoutingOptions {
  /** How the VirtualService in the routing namespace writes the host. */
  vsHost?: string;
  vsExportTo?: string[];
  drExportTo?: string[];
}

/**
 * Workloads and DestinationRule in `payments`, routing kept in the shared namespace
 * `mesh-routing`: a VirtualService splitting checkout 80/20 for in-mesh callers.
 */
export function sharedRouting(
  options: SharedRoutingOptions = {},
): ClusterObjects {
  const {
    vsHost = 'checkout.payments.svc.cluster.local',
    vsExportTo,
    drExportTo,
  } = options;
  const ns = CHECKOUT_NAMESPACE;
  const colour = (version: string) =>
    workload(`checkout-${version}`, {
      namespace: ns,
      labels: { app: 'checkout', version },
      image: `shop/checkout:${version}`,
    });
  const rule = destinationRule('checkout', ns, ['blue', 'green']);
  rule.spec.exportTo = drExportTo;
  const routing = virtualService('checkout', ROUTING_NAMESPACE, {
    hosts: [vsHost],
    exportTo: vsExportTo,
    http: [
      {
        route: ['blue', 'green'].map((subset, i) => ({
          destination: {
            host: 'checkout.payments.svc.cluster.local',
            subset,
          },
          weight: [80, 20][i],
        })),
      },
    ],
  });
  return merge(workloads(colour('blue'), colour('green')), {
    services: [service('checkout', ns, [{ name: 'http', port: 8080 }])],
    destinationRules: [rule],
    virtualServices: [routing],
  });
}
