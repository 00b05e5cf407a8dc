/*
 * Mesh traffic for the rollout tests: a /metrics endpoint on loopback with the series Istio's
 * server-side proxies export (names and labels as in ../shared/research/istio-metrics.md), for
 * one Service whose requests split per colour the way its live VirtualService says. Every tick
 * it GETs the VirtualService from the Kubernetes API test server, so a step the engine writes
 * shows up in the traffic on the next tick, as it would in a mesh.
 */
import { KubeTestServer } from '@internal/kube-test-server';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { virtualServices } from '../../cutovers/__testUtils__/virtualServices';

/** Istio's default duration buckets, in milliseconds. */
const BUCKETS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000,
  300000, 600000, 1800000, 3600000,
];

export interface ColourBehaviour {
  /** Share of requests answered 503, from 0 to 1. */
  errorRate: number;
  /** How long every request takes, in milliseconds. */
  latencyMs: number;
}

interface Series {
  requests: number;
  durationSum: number;
  /** Cumulative count per bucket of BUCKETS, then +Inf. */
  buckets: number[];
}

export interface TrafficSimulatorOptions {
  kube: KubeTestServer;
  namespace: string;
  /** The VirtualService whose first HTTP rule splits the traffic. */
  virtualService: string;
  /** The Kubernetes Service the requests are reported for (`destination_service_name`). */
  service: string;
  /** Requests per tick over all colours. */
  requestsPerTick: number;
  tickMs: number;
}

export class TrafficSimulator {
  /** Last weights read, per subset: what the traffic followed on the last tick. */
  weights: Record<string, number> = {};
  private readonly behaviour = new Map<string, ColourBehaviour>();
  /** Keyed by `colour|code`. */
  private readonly series = new Map<string, Series>();
  /** Fractions of requests and errors not served yet, per colour, so splits stay exact over ticks. */
  private readonly carry = new Map<
    string,
    { requests: number; errors: number }
  >();
  private requestsPerTick: number;
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;

  private constructor(
    private readonly options: TrafficSimulatorOptions,
    private readonly server: Server,
    readonly url: string,
  ) {
    this.requestsPerTick = options.requestsPerTick;
  }

  static async start(
    options: TrafficSimulatorOptions,
  ): Promise<TrafficSimulator> {
    const server = createServer();
    await new Promise<void>(resolve =>
      server.listen(0, '127.0.0.1', () => resolve()),
    );
    const { port } = server.address() as AddressInfo;
    const simulator = new TrafficSimulator(
      options,
      server,
      `http://127.0.0.1:${port}`,
    );
    server.on('request', (req, res) => {
      if (req.url !== '/metrics') {
        res.statusCode = 404;
        res.end();
        return;
      }
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end(simulator.exposition());
    });
    await simulator.tick();
    simulator.timer = setInterval(() => {
      // A slow Kubernetes read never overlaps the next tick's.
      simulator.ticking ??= simulator
        .tick()
        .finally(() => (simulator.ticking = undefined));
    }, options.tickMs);
    return simulator;
  }

  /** `host:port` for a Prometheus scrape target. */
  get target(): string {
    return this.url.replace('http://', '');
  }

  setColour(colour: string, behaviour: Partial<ColourBehaviour>) {
    this.behaviour.set(colour, { ...this.behaviourOf(colour), ...behaviour });
  }

  /** Every colour back to healthy and fast, and traffic flowing. */
  reset() {
    this.behaviour.clear();
    this.requestsPerTick = this.options.requestsPerTick;
  }

  /** No requests until `startTraffic`; the counters stay where they are, as in an idle mesh. */
  stopTraffic() {
    this.requestsPerTick = 0;
  }

  startTraffic() {
    this.requestsPerTick = this.options.requestsPerTick;
  }

  async close() {
    clearInterval(this.timer);
    await this.ticking;
    await new Promise(resolve => this.server.close(resolve));
  }

  private behaviourOf(colour: string): ColourBehaviour {
    return this.behaviour.get(colour) ?? { errorRate: 0, latencyMs: 20 };
  }

  private async tick() {
    try {
      const vs = await virtualServices(this.options.kube).get(
        this.options.namespace,
        this.options.virtualService,
      );
      const route: any[] = vs.spec.http[0].route;
      this.weights = Object.fromEntries(
        route.map(r => [
          r.destination.subset,
          r.weight ?? (route.length === 1 ? 100 : 0),
        ]),
      );
    } catch {
      // The API unreachable for a moment: traffic keeps the split it last saw, as Envoy does.
    }
    for (const [colour, weight] of Object.entries(this.weights)) {
      this.serve(colour, (this.requestsPerTick * weight) / 100);
    }
  }

  private serve(colour: string, share: number) {
    const { errorRate, latencyMs } = this.behaviourOf(colour);
    const carry = this.carry.get(colour) ?? { requests: 0, errors: 0 };
    const total = carry.requests + share;
    const requests = Math.floor(total);
    const errorTotal = carry.errors + requests * errorRate;
    const errors = Math.floor(errorTotal);
    this.carry.set(colour, {
      requests: total - requests,
      errors: errorTotal - errors,
    });
    this.add(colour, '200', requests - errors, latencyMs);
    this.add(colour, '503', errors, latencyMs);
  }

  private add(colour: string, code: string, count: number, latencyMs: number) {
    if (count === 0 && !this.series.has(`${colour}|${code}`)) {
      // Istio exports a series once a request with these labels was seen, not before.
      return;
    }
    const series = this.series.get(`${colour}|${code}`) ?? {
      requests: 0,
      durationSum: 0,
      buckets: [...BUCKETS.map(() => 0), 0],
    };
    series.requests += count;
    series.durationSum += count * latencyMs;
    BUCKETS.forEach((bound, i) => {
      if (latencyMs <= bound) series.buckets[i] += count;
    });
    series.buckets[BUCKETS.length] += count;
    this.series.set(`${colour}|${code}`, series);
  }

  private exposition(): string {
    const requests = ['# TYPE istio_requests_total counter'];
    const durations = ['# TYPE istio_request_duration_milliseconds histogram'];
    for (const [key, series] of this.series) {
      const [colour, code] = key.split('|');
      const labels = [
        'reporter="destination"',
        `destination_service="${this.options.service}.${this.options.namespace}.svc.cluster.local"`,
        `destination_service_name="${this.options.service}"`,
        `destination_service_namespace="${this.options.namespace}"`,
        `destination_version="${colour}"`,
        `destination_workload="${colour}-app"`,
        'request_protocol="http"',
        `response_code="${code}"`,
        'response_flags="-"',
      ].join(',');
      requests.push(`istio_requests_total{${labels}} ${series.requests}`);
      [...BUCKETS.map(String), '+Inf'].forEach((le, i) =>
        durations.push(
          `istio_request_duration_milliseconds_bucket{${labels},le="${le}"} ${series.buckets[i]}`,
        ),
      );
      durations.push(
        `istio_request_duration_milliseconds_sum{${labels}} ${series.durationSum}`,
        `istio_request_duration_milliseconds_count{${labels}} ${series.requests}`,
      );
    }
    return `${[...requests, ...durations].join('\n')}\n`;
  }
}
