/*
 * Mesh traffic for tests and the demo: a /metrics endpoint with the series Istio's server-side
 * proxies export (names and labels as in ../shared/research/istio-metrics.md) for every
 * blue/green service a VirtualService routes to. Every tick it lists the VirtualServices and
 * DestinationRules through the Kubernetes API, so a step written to the routes shows up in the
 * traffic on the next tick, as it would in a mesh.
 */
import {
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
} from '@kubernetes/client-node';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Counter, Histogram, Registry } from 'prom-client';
import { controlApp } from './control';
import { meshTraffic, ServiceTraffic } from './mesh';

/** Istio's default duration buckets, in milliseconds. */
const BUCKETS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000,
  300000, 600000, 1800000, 3600000,
];

const LABELS = [
  'reporter',
  'source_workload',
  'source_workload_namespace',
  'destination_service',
  'destination_service_name',
  'destination_service_namespace',
  'destination_workload',
  'destination_workload_namespace',
  'destination_version',
  'destination_canonical_revision',
  'request_protocol',
  'response_code',
  'response_flags',
] as const;

export interface ColourBehaviour {
  /** Share of requests answered 503, from 0 to 1. */
  errorRate: number;
  /** How long every request takes, in milliseconds. */
  latencyMs: number;
}

export const HEALTHY: ColourBehaviour = { errorRate: 0, latencyMs: 20 };

/** How to reach the Kubernetes API: a kubeconfig, or a URL and a bearer token. */
export type KubernetesAccess =
  | { kubeConfig: KubeConfig }
  | { kubeconfigPath: string; context?: string }
  | { url: string; token: string; skipTlsVerify?: boolean };

export interface TrafficSimulatorOptions {
  kubernetes: KubernetesAccess;
  /** Port of /metrics and the control API, on 127.0.0.1. Default 0: any free port. */
  port?: number;
  /** Requests per second per service, over all its colours. Default 20. */
  requestsPerSecond?: number;
  /** How often the routes are read and requests served. Default 1000 ms. */
  tickMs?: number;
}

/** A service as the simulator serves it now: its split and each colour's behaviour. */
export interface SimulatedService extends ServiceTraffic {
  behaviour: Record<string, ColourBehaviour>;
}

export interface TrafficSimulator {
  /** Base URL of /metrics and the control API. */
  url: string;
  /** `host:port`, for a Prometheus scrape target. */
  target: string;
  /** Changes how `colour` (a DestinationRule subset) answers in every service of `namespace`. */
  setBehaviour(
    namespace: string,
    colour: string,
    behaviour: Partial<ColourBehaviour>,
  ): void;
  /** Requests per second per service; 0 is an idle mesh (counters stay, as in Istio). */
  setRequestsPerSecond(requestsPerSecond: number): void;
  /** Every colour healthy and fast again, traffic at the rate it started with. */
  reset(): void;
  /** The services found on the last read of the routes, with their splits. */
  services(): SimulatedService[];
  /** Why the last read of the routes failed, if it did: traffic keeps the split read before. */
  readError(): string | undefined;
  /** Stops serving and reading; resolves once the port is closed. */
  close(): Promise<void>;
}

function kubeConfigOf(access: KubernetesAccess): KubeConfig {
  if ('kubeConfig' in access) return access.kubeConfig;
  const kc = new KubeConfig();
  if ('kubeconfigPath' in access) {
    kc.loadFromFile(access.kubeconfigPath);
    if (access.context) kc.setCurrentContext(access.context);
    return kc;
  }
  kc.loadFromOptions({
    clusters: [
      {
        name: 'cluster',
        server: access.url,
        // client-node refuses plain HTTP unless told there is no certificate to verify.
        skipTLSVerify:
          (access.skipTlsVerify ?? false) || access.url.startsWith('http:'),
      },
    ],
    users: [{ name: 'simulator', token: access.token }],
    contexts: [{ name: 'cluster', cluster: 'cluster', user: 'simulator' }],
    currentContext: 'cluster',
  });
  return kc;
}

/** The traffic and behaviours; the control API and the programmatic API both drive it. */
export class Simulation {
  readonly registry = new Registry();
  private readonly requests: Counter<(typeof LABELS)[number]>;
  private readonly durations: Histogram<(typeof LABELS)[number]>;
  private readonly behaviours = new Map<string, ColourBehaviour>();
  /** Fractions of requests and errors not served yet, so splits stay exact over ticks. */
  private readonly carry = new Map<string, { requests: number; errors: number }>();
  private traffic: ServiceTraffic[] = [];
  /** Why the last read of the routes failed; undefined once one succeeds. */
  readError?: string;
  private readonly api: CustomObjectsApi;
  requestsPerSecond: number;

  constructor(
    access: KubernetesAccess,
    readonly initialRequestsPerSecond: number,
  ) {
    this.api = kubeConfigOf(access).makeApiClient(CustomObjectsApi);
    this.requestsPerSecond = initialRequestsPerSecond;
    this.requests = new Counter({
      name: 'istio_requests_total',
      help: 'Requests, as the destination proxy reports them.',
      labelNames: LABELS,
      registers: [this.registry],
    });
    this.durations = new Histogram({
      name: 'istio_request_duration_milliseconds',
      help: 'Request durations, as the destination proxy reports them.',
      labelNames: LABELS,
      buckets: BUCKETS,
      registers: [this.registry],
    });
  }

  behaviourOf(namespace: string, colour: string): ColourBehaviour {
    return this.behaviours.get(`${namespace}/${colour}`) ?? HEALTHY;
  }

  setBehaviour(
    namespace: string,
    colour: string,
    behaviour: Partial<ColourBehaviour>,
  ) {
    this.behaviours.set(`${namespace}/${colour}`, {
      ...this.behaviourOf(namespace, colour),
      ...behaviour,
    });
  }

  reset() {
    this.behaviours.clear();
    this.requestsPerSecond = this.initialRequestsPerSecond;
  }

  services(): SimulatedService[] {
    return this.traffic.map(t => ({
      ...t,
      behaviour: Object.fromEntries(
        Object.keys(t.versions).map(colour => [
          colour,
          this.behaviourOf(t.namespace, colour),
        ]),
      ),
    }));
  }

  async tick(seconds: number) {
    try {
      const [virtualServices, destinationRules] = await Promise.all(
        ['virtualservices', 'destinationrules'].map(
          async plural =>
            (
              (await this.api.listClusterCustomObject({
                group: 'networking.istio.io',
                version: 'v1',
                plural,
              })) as { items: KubernetesObject[] }
            ).items,
        ),
      );
      this.traffic = meshTraffic(
        virtualServices as any[],
        destinationRules as any[],
      );
      this.readError = undefined;
    } catch (error) {
      // The API unreachable for a moment: traffic keeps the split it last saw, as Envoy does.
      this.readError = `listing VirtualServices and DestinationRules failed: ${
        (error as Error).message
      }`;
    }
    for (const service of this.traffic) {
      for (const [colour, percent] of Object.entries(service.shares)) {
        this.serve(
          service,
          colour,
          (this.requestsPerSecond * seconds * percent) / 100,
        );
      }
    }
  }

  private serve(service: ServiceTraffic, colour: string, share: number) {
    const { errorRate, latencyMs } = this.behaviourOf(service.namespace, colour);
    const key = `${service.namespace}/${service.service}/${colour}`;
    const carry = this.carry.get(key) ?? { requests: 0, errors: 0 };
    const total = carry.requests + share;
    const requests = Math.floor(total);
    const errorTotal = carry.errors + requests * errorRate;
    const errors = Math.min(requests, Math.floor(errorTotal));
    this.carry.set(key, {
      requests: total - requests,
      errors: errorTotal - errors,
    });
    this.record(service, colour, '200', requests - errors, latencyMs);
    this.record(service, colour, '503', errors, latencyMs);
  }

  private record(
    service: ServiceTraffic,
    colour: string,
    code: string,
    count: number,
    latencyMs: number,
  ) {
    // Istio exports a series once a request with its labels was seen, not before.
    if (count === 0) return;
    const version = service.versions[colour];
    const labels = {
      reporter: 'destination',
      source_workload: 'istio-ingressgateway',
      source_workload_namespace: 'istio-system',
      destination_service: `${service.service}.${service.namespace}.svc.cluster.local`,
      destination_service_name: service.service,
      destination_service_namespace: service.namespace,
      destination_workload: `${service.service}-${colour}`,
      destination_workload_namespace: service.namespace,
      destination_version: version,
      destination_canonical_revision: version,
      request_protocol: 'http',
      response_code: code,
      response_flags: code === '200' ? '-' : 'URX',
    };
    this.requests.inc(labels, count);
    for (let i = 0; i < count; i++) this.durations.observe(labels, latencyMs);
  }
}

/** Starts serving on 127.0.0.1 after a first read of the routes. */
export async function startTrafficSimulator(
  options: TrafficSimulatorOptions,
): Promise<TrafficSimulator> {
  const tickMs = options.tickMs ?? 1000;
  const simulation = new Simulation(
    options.kubernetes,
    options.requestsPerSecond ?? 20,
  );
  await simulation.tick(tickMs / 1000);
  let ticking: Promise<void> | undefined;
  const timer = setInterval(() => {
    // A slow Kubernetes read never overlaps the next tick's.
    ticking ??= simulation
      .tick(tickMs / 1000)
      .finally(() => (ticking = undefined));
  }, tickMs);

  const server = await new Promise<Server>((resolve, reject) => {
    const listening = controlApp(simulation)
      .listen(options.port ?? 0, '127.0.0.1', () => resolve(listening))
      .once('error', reject);
  }).catch(error => {
    clearInterval(timer);
    throw error;
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    target: `127.0.0.1:${port}`,
    setBehaviour: (namespace, colour, behaviour) =>
      simulation.setBehaviour(namespace, colour, behaviour),
    setRequestsPerSecond: rps => {
      simulation.requestsPerSecond = rps;
    },
    reset: () => simulation.reset(),
    services: () => simulation.services(),
    readError: () => simulation.readError,
    close() {
      closed ??= (async () => {
        clearInterval(timer);
        await ticking;
        const stopped = new Promise(resolve => server.close(resolve));
        // Prometheus keeps its scrape connection open; close would wait for it otherwise.
        server.closeAllConnections();
        await stopped;
      })();
      return closed;
    },
  };
}
