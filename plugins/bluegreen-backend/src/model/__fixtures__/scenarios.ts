/* The three reference scenarios as cluster objects. Every call builds fresh objects to mutate. */
import { ClusterObjects, HTTPRoute, TCPRoute } from '../istio';
import {
  destinationRule,
  gateway,
  merge,
  service,
  virtualService,
  workload,
  workloads,
} from './objects';

export const PII_NAMESPACE = 'pii-demo';
/** The entity's `bluegreen/istio-hosts`. */
export const PII_HOSTS = ['pii-demo.apps.hl.test', 'mysql-server'];

/** Host header via the ingress gateway, or an in-mesh caller of the colour → that colour. */
function piiColourRule(colour: string): HTTPRoute {
  return {
    match: [
      {
        headers: { host: { exact: `pii-demo-${colour}.apps.hl.test` } },
        gateways: ['pii-demo-gateway'],
      },
      { sourceLabels: { version: colour } },
    ],
    route: [
      {
        destination: {
          host: 'httpd-server',
          port: { number: 80 },
          subset: colour,
        },
      },
    ],
  };
}

function mysqlAffinityRule(colour: string): TCPRoute {
  return {
    match: [{ sourceLabels: { version: colour } }],
    route: [
      {
        destination: {
          host: 'mysql-server',
          port: { number: 3306 },
          subset: colour,
        },
      },
    ],
  };
}

/** Two tiers, two colours; `httpdPods` sets how many ready httpd pods each colour runs. */
export function piiDemo(
  httpdPods: { blue?: number; green?: number } = {},
): ClusterObjects {
  const ns = PII_NAMESPACE;
  const tierWorkload = (
    app: string,
    colour: string,
    image: string,
    replicas = 1,
  ) =>
    workload(`${app}-${colour}`, {
      namespace: ns,
      labels: { app, version: colour },
      image,
      replicas,
    });
  return merge(
    workloads(
      tierWorkload(
        'httpd-server',
        'blue',
        'lisenet/httpd-pii-demo:0.2',
        httpdPods.blue,
      ),
      tierWorkload(
        'httpd-server',
        'green',
        'lisenet/httpd-pii-demo:0.3',
        httpdPods.green,
      ),
      tierWorkload('mysql-server', 'blue', 'mysql:8.0'),
      tierWorkload('mysql-server', 'green', 'mysql:8.0'),
    ),
    {
      services: [
        service('httpd-server', ns, [{ name: 'http-80', port: 80 }]),
        service('mysql-server', ns, [{ name: 'tcp-3306', port: 3306 }]),
      ],
      gateways: [gateway('pii-demo-gateway', ns, ['*'])],
      destinationRules: [
        destinationRule('httpd-server', ns, ['blue', 'green']),
        destinationRule('mysql-server', ns, ['blue', 'green']),
      ],
      virtualServices: [
        virtualService('httpd-server', ns, {
          hosts: [
            'pii-demo.apps.hl.test',
            'pii-demo-blue.apps.hl.test',
            'pii-demo-green.apps.hl.test',
            'httpd-server',
          ],
          gateways: ['mesh', 'pii-demo-gateway'],
          http: [
            piiColourRule('blue'),
            piiColourRule('green'),
            {
              match: [
                {
                  headers: { host: { exact: 'pii-demo.apps.hl.test' } },
                  gateways: ['pii-demo-gateway'],
                },
              ],
              // No subset: round robin over both colours.
              route: [
                { destination: { host: 'httpd-server', port: { number: 80 } } },
              ],
            },
          ],
        }),
        virtualService('mysql-server', ns, {
          hosts: ['mysql-server'],
          gateways: ['mesh'],
          tcp: [mysqlAffinityRule('blue'), mysqlAffinityRule('green')],
        }),
      ],
    },
  );
}

export const MYAPP_NAMESPACE = 'default';
export const MYAPP_HOSTS = ['myapp.example.com'];

/** One Service over v1 and v2, split by weight through a catch-all VirtualService (`hosts: *`). */
export function myapp([v1, v2]: [number, number] = [50, 50]): ClusterObjects {
  const ns = MYAPP_NAMESPACE;
  const version = (v: string) =>
    workload(`myapp-${v}`, {
      namespace: ns,
      labels: { app: 'myapp', version: v },
      image: `janakiramm/myapp:${v}`,
    });
  return merge(workloads(version('v1'), version('v2')), {
    services: [service('myapp', ns, [{ name: 'http', port: 80 }])],
    gateways: [gateway('app-gateway', ns, ['*'])],
    destinationRules: [destinationRule('myapp', ns, ['v1', 'v2'])],
    virtualServices: [
      virtualService('myapp', ns, {
        hosts: ['*'],
        gateways: ['app-gateway'],
        http: [
          {
            route: [
              { destination: { host: 'myapp', subset: 'v1' }, weight: v1 },
              { destination: { host: 'myapp', subset: 'v2' }, weight: v2 },
            ],
          },
        ],
      }),
    ],
  });
}

export const PROGRESSIVE_NAMESPACE = 'web';
export const PROGRESSIVE_HOSTS = ['web-app.example.com'];

/** Deployments blue-app and green-app behind one Service, shifted progressively by weight. */
export function progressive(
  [blue, green]: [number, number] = [70, 30],
): ClusterObjects {
  const ns = PROGRESSIVE_NAMESPACE;
  const colour = (c: string) =>
    workload(`${c}-app`, {
      namespace: ns,
      labels: { app: 'web-app', version: c },
      image: `${c}-app:latest`,
      replicas: 2,
    });
  return merge(workloads(colour('blue'), colour('green')), {
    services: [service('web-app', ns, [{ name: 'http-80', port: 80 }])],
    gateways: [gateway('web-gateway', ns, ['web-app.example.com'])],
    destinationRules: [destinationRule('web-app', ns, ['blue', 'green'])],
    virtualServices: [
      virtualService('web-app', ns, {
        hosts: ['web-app.example.com'],
        gateways: ['web-gateway'],
        http: [
          {
            route: [
              {
                destination: {
                  host: 'web-app',
                  subset: 'blue',
                  port: { number: 80 },
                },
                weight: blue,
              },
              {
                destination: {
                  host: 'web-app',
                  subset: 'green',
                  port: { number: 80 },
                },
                weight: green,
              },
            ],
          },
        ],
      }),
    ],
  });
}

export const CHECKOUT_NAMESPACE = 'payments';
export const ROUTING_NAMESPACE = 'mesh-routing';
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
