import { KubeObject } from './types';

export interface BlueGreenServicesOptions {
  /** Namespace name, or prefix when spreading over several. Default "bench". */
  namespace?: string;
  /** How many namespaces to spread the services over (round robin). Default 1. */
  namespaces?: number;
  /** Pods per colour. Default 1. */
  replicas?: number;
  /** Istio API version of the generated Istio objects. Default networking.istio.io/v1beta1. */
  istioApiVersion?: string;
  /** Public hosts are `<service>.<domain>`. Default bench.example.com. */
  domain?: string;
}

/** Blue/green weight pairs cycled through, so a benchmark sees every kind of split. */
const SPLITS: Array<[number, number]> = [
  [100, 0],
  [0, 100],
  [90, 10],
  [70, 30],
  [50, 50],
];

function deployment(
  namespace: string,
  app: string,
  colour: string,
  replicas: number,
  image: string,
): KubeObject {
  const labels = { app, version: colour };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `${app}-${colour}`, namespace, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [{ name: app, image, ports: [{ containerPort: 8080 }] }],
        },
      },
    },
  };
}

/**
 * Synthetic blue/green services for benchmarks: per service two Deployments (blue, green), a
 * Service, a DestinationRule with both subsets and a VirtualService splitting by weight; per
 * namespace a Namespace and a Gateway. Deterministic for a given count and options.
 */
export function generateBlueGreenServices(
  count: number,
  options: BlueGreenServicesOptions = {},
): KubeObject[] {
  const prefix = options.namespace ?? 'bench';
  const namespaceCount = Math.max(1, options.namespaces ?? 1);
  const replicas = options.replicas ?? 1;
  const istio = options.istioApiVersion ?? 'networking.istio.io/v1beta1';
  const domain = options.domain ?? 'bench.example.com';
  const namespaces = Array.from({ length: namespaceCount }, (_, i) =>
    namespaceCount === 1 ? prefix : `${prefix}-${i + 1}`,
  );
  const objects: KubeObject[] = namespaces.flatMap(namespace => [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace, labels: { 'istio-injection': 'enabled' } },
    },
    {
      apiVersion: istio,
      kind: 'Gateway',
      metadata: { name: `${namespace}-gateway`, namespace },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [
          {
            port: { number: 80, name: 'http', protocol: 'HTTP' },
            hosts: [`*.${domain}`],
          },
        ],
      },
    },
  ]);
  const width = String(count).length;
  for (let i = 0; i < count; i++) {
    const namespace = namespaces[i % namespaceCount];
    const app = `svc-${String(i + 1).padStart(width, '0')}`;
    const [blue, green] = SPLITS[i % SPLITS.length];
    const port = { number: 80 };
    objects.push(
      deployment(
        namespace,
        app,
        'blue',
        replicas,
        `registry.example.com/${app}:1.0.0`,
      ),
      deployment(
        namespace,
        app,
        'green',
        replicas,
        `registry.example.com/${app}:1.1.0`,
      ),
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: app, namespace, labels: { app } },
        spec: {
          selector: { app },
          ports: [{ name: 'http', port: 80, targetPort: 8080 }],
        },
      },
      {
        apiVersion: istio,
        kind: 'DestinationRule',
        metadata: { name: app, namespace },
        spec: {
          host: app,
          subsets: [
            { name: 'blue', labels: { version: 'blue' } },
            { name: 'green', labels: { version: 'green' } },
          ],
        },
      },
      {
        apiVersion: istio,
        kind: 'VirtualService',
        metadata: { name: app, namespace },
        spec: {
          hosts: [`${app}.${domain}`, app],
          gateways: [`${namespace}-gateway`, 'mesh'],
          http: [
            {
              route: [
                {
                  destination: { host: app, port, subset: 'blue' },
                  weight: blue,
                },
                {
                  destination: { host: app, port, subset: 'green' },
                  weight: green,
                },
              ],
            },
          ],
        },
      },
    );
  }
  return objects;
}
