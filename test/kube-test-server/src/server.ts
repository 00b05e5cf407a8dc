import {
  IncomingMessage,
  Server,
  ServerResponse,
  createServer,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Admission } from './admission';
import { KubeApi } from './api';
import { Access, TokenAuth } from './auth';
import {
  CONTROL_PREFIX,
  ControlApi,
  PodReadinessRequest,
  handleControl,
} from './control';
import { WorkloadController } from './controller';
import { KubeError, reasonForCode } from './errors';
import { Fault, FaultInjector, RequestCounter } from './faults';
import { ResourceRegistry } from './registry';
import { ApiRouter, Route, parseRoute, sendJson } from './router';
import { loadScenarios } from './seed';
import { parseLabelSelector } from './selectors';
import { Store } from './store';
import { KubeObject } from './types';
import { WatchHub } from './watch';

export interface KubeTestServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Tokens with full access; the first is `server.token`. Defaults to ["test-token"]. */
  tokens?: string[];
  /** Tokens that may read but get 403 Forbidden on writes. */
  readOnlyTokens?: string[];
  /** Folders whose `*.yaml` files seed the server (see SCENARIOS_DIR). */
  scenarioDirs?: string[];
  /** More objects to seed, after the scenarios. */
  objects?: KubeObject[];
  /** Serve the test controls under `/__control/`. Off by default. */
  control?: boolean;
  /** Serve HTTPS with this PEM certificate and key. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** How many recent events watches can resume from before they get 410 Expired. Default 1000. */
  watchWindow?: number;
  /** How often watches that allow bookmarks get one. Default 5000 ms. */
  bookmarkIntervalMs?: number;
  /**
   * How long a gracefully deleted pod stays Terminating (not ready) before it is gone, at most
   * its grace period. Default 1000 ms; a real kubelet takes up to the whole grace period.
   */
  podTerminationMs?: number;
  /**
   * How long a list or watch from a resourceVersion the server has not reached waits for it
   * before the "Too large resource version" answer. Default 3000 ms, as the API server's cache.
   */
  resourceVersionWaitMs?: number;
}

export interface KubeTestServer extends ControlApi {
  /** e.g. http://127.0.0.1:43121 */
  readonly url: string;
  readonly port: number;
  /** A token with full access. */
  readonly token: string;
  /** Creates objects as a client would (namespaces first); returns them as stored. */
  addObjects(objects: KubeObject[]): KubeObject[];
  close(): Promise<void>;
}

/** Every cluster has it, so tools that default to it find it. */
const DEFAULT_NAMESPACE: KubeObject = {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'default' },
};

class TestServer implements KubeTestServer {
  readonly token: string;
  url = '';
  port = 0;

  private readonly registry = new ResourceRegistry();
  private readonly store: Store;
  private readonly api: KubeApi;
  private readonly controller: WorkloadController;
  private readonly watches: WatchHub;
  private readonly router: ApiRouter;
  private readonly auth: TokenAuth;
  private readonly faults = new FaultInjector();
  private readonly counter = new RequestCounter();
  private readonly server: Server;

  constructor(
    private readonly options: KubeTestServerOptions,
    private readonly seed: KubeObject[],
  ) {
    const tokens = options.tokens?.length ? options.tokens : ['test-token'];
    this.token = tokens[0];
    this.auth = new TokenAuth(tokens, options.readOnlyTokens ?? []);
    this.store = new Store(options.watchWindow ?? 1000);
    this.api = new KubeApi(this.store, this.registry, new Admission());
    this.controller = new WorkloadController(
      this.store,
      this.registry,
      options.podTerminationMs ?? 1000,
    );
    this.controller.start();
    this.watches = new WatchHub(
      this.store,
      options.bookmarkIntervalMs ?? 5000,
      path => this.faults.watchLag(path),
    );
    this.router = new ApiRouter(
      this.api,
      this.watches,
      this.registry,
      options.resourceVersionWaitMs ?? 3000,
    );
    const handler = (request: IncomingMessage, response: ServerResponse) => {
      this.onRequest(request, response);
    };
    this.server = options.tls
      ? createHttpsServer(
          { cert: options.tls.cert, key: options.tls.key },
          handler,
        )
      : createServer(handler);
    this.addObjects(this.seed);
  }

  async listen(): Promise<void> {
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, host, () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    const hostPart = host.includes(':') ? `[${host}]` : host;
    this.url = `${this.options.tls ? 'https' : 'http'}://${hostPart}:${
      this.port
    }`;
  }

  addObjects(objects: KubeObject[]): KubeObject[] {
    const namespaces = objects.filter(
      o => o.apiVersion === 'v1' && o.kind === 'Namespace',
    );
    const rest = objects.filter(o => !namespaces.includes(o));
    return [...namespaces, ...rest].flatMap(object => {
      const type = this.registry.forObject(
        object.apiVersion ?? '',
        object.kind ?? '',
      );
      if (!type) {
        throw new Error(
          `cannot seed ${object.kind} ${object.metadata?.name}: ${object.apiVersion} ${object.kind} is not served`,
        );
      }
      const namespace = type.namespaced
        ? object.metadata.namespace ?? 'default'
        : undefined;
      if (
        type.kind === 'Namespace' &&
        this.store.get(type, undefined, object.metadata.name!)
      ) {
        return [];
      }
      const version = object.apiVersion!.split('/').pop()!;
      return [this.api.create({ type, version, namespace }, object)];
    });
  }

  injectFault(fault: Fault): void {
    this.faults.add(fault);
  }

  listFaults(): Fault[] {
    return this.faults.list();
  }

  clearFaults(): void {
    this.faults.clear();
  }

  setPodReadiness(request: PodReadinessRequest): string[] {
    return this.controller.setPodReadiness({
      namespace: request.namespace,
      name: request.name,
      labelSelector: parseLabelSelector(request.labelSelector),
      ready: request.ready,
    });
  }

  requestCounts(): Record<string, number> {
    return this.counter.snapshot();
  }

  resetRequestCounts(): void {
    this.counter.reset();
  }

  closeWatches(): number {
    return this.watches.closeAll();
  }

  reset(): void {
    this.watches.closeAll();
    this.store.clear();
    this.faults.clear();
    this.counter.reset();
    this.addObjects(this.seed);
  }

  async close(): Promise<void> {
    this.watches.closeAll();
    this.controller.stop();
    const closed = new Promise<void>(resolve =>
      this.server.close(() => resolve()),
    );
    this.server.closeAllConnections();
    await closed;
  }

  private async onRequest(
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const method = request.method ?? 'GET';
      if (this.options.control && url.pathname.startsWith(CONTROL_PREFIX)) {
        await handleControl(request, response, url.pathname, this);
        return;
      }
      // Authentication comes before routing, as in Kubernetes: no 404s for anonymous callers.
      let route: Route | undefined;
      let routeError: unknown;
      try {
        route = parseRoute(method, url, this.registry);
      } catch (error) {
        routeError = error;
      }
      const verb = route?.verb ?? method.toLowerCase();
      this.counter.record(verb, url.pathname);
      const fault = this.faults.take(
        verb,
        method,
        `${url.pathname}${url.search}`,
      );
      if (fault.latencyMs > 0) {
        await sleep(fault.latencyMs);
      }
      if (fault.drop) {
        request.socket.destroy();
        return;
      }
      if (fault.error) {
        const { status, message } = fault.error;
        throw new KubeError(
          status,
          reasonForCode(status),
          message ?? `injected fault: ${status} ${reasonForCode(status)}`,
        );
      }
      const access: Access | undefined = this.auth.authenticate(
        request,
        url.pathname,
      );
      if (!route) {
        throw routeError;
      }
      this.auth.authorize(access, route);
      await this.router.handle(request, response, url, route, fault.mutations);
    } catch (error) {
      this.sendError(response, error);
    }
  }

  private sendError(response: ServerResponse, error: unknown): void {
    if (response.headersSent) {
      response.destroy();
      return;
    }
    const kubeError =
      error instanceof KubeError
        ? error
        : new KubeError(
            500,
            'InternalError',
            `Internal error occurred: ${
              (error as Error)?.message ?? String(error)
            }`,
          );
    sendJson(response, kubeError.code, kubeError.toStatus());
  }
}

/**
 * Starts a Kubernetes API server for tests and the demo: real REST over HTTP(S), state in memory,
 * seeded from the scenarios and objects given.
 */
export async function startKubeTestServer(
  options: KubeTestServerOptions = {},
): Promise<KubeTestServer> {
  const seed = [
    DEFAULT_NAMESPACE,
    ...loadScenarios(options.scenarioDirs ?? []),
    ...(options.objects ?? []),
  ];
  const server = new TestServer(options, seed);
  await server.listen();
  return server;
}
