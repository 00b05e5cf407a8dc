import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  KubeTestServer,
  SCENARIOS_DIR,
  generateBlueGreenServices,
  loadScenarios,
  startKubeTestServer,
} from '@internal/kube-test-server';
import net, { AddressInfo, Socket } from 'node:net';
import { ClusterObjects } from '../model';
import { ClusterObjectSource } from './ClusterObjectSource';
import { readClusterDetails } from './clusters';

const logger = mockServices.logger.mock();

function sourceFor(url: string, timeoutMs: number, log = logger) {
  const [cluster] = readClusterDetails(
    new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'demo',
                url,
                authProvider: 'serviceAccount',
                serviceAccountToken: 'test-token',
                skipTLSVerify: true,
              },
            ],
          },
        ],
      },
    }),
    logger,
  );
  return new ClusterObjectSource(cluster, {
    istioApiVersion: 'v1beta1',
    timeoutMs,
    watch: true,
    logger: log,
  });
}

describe('ClusterObjectSource waiting for a cluster that stays down', () => {
  // Nothing listens on the discard port, so every list fails at once.
  const DOWN = 'http://127.0.0.1:9';

  beforeEach(() => {
    // Only the timers: the requests to the cluster still go out and fail for real.
    jest.useFakeTimers({
      doNotFake: [
        'nextTick',
        'queueMicrotask',
        'setImmediate',
        'Date',
        'hrtime',
        'performance',
      ],
    });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  /** Lets the failed lists come back and their restarts be scheduled. */
  const letRequestsFail = () =>
    new Promise(resolve =>
      jest.requireActual('node:timers').setTimeout(resolve, 200),
    );

  it('gives up at the cluster timeout and leaves no timer running once closed', async () => {
    const source = sourceFor(DOWN, 3_000);
    const waiting = source.objectsIn();
    const outcome = waiting.catch((e: Error) => e);
    await letRequestsFail();
    await jest.advanceTimersByTimeAsync(3_000);
    expect(String(await outcome)).toContain(
      "cluster 'demo' did not answer within 3000 ms (waiting for the watch)",
    );
    await source.close();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('ends a wait at close, before the timeout, and leaves no timer running', async () => {
    const source = sourceFor(DOWN, 60_000);
    const outcome = source.objectsIn().catch((e: Error) => e);
    await letRequestsFail();
    await source.close();
    expect(String(await outcome)).toContain(
      "cluster 'demo' is no longer read: the backend is shutting down",
    );
    expect(jest.getTimerCount()).toBe(0);
  });
});

/**
 * A TCP proxy standing for "the cluster's URL": switching it to another test server while the
 * source keeps running is a cluster replaced behind the same URL, with no gap in which the URL
 * refuses connections.
 */
async function startSwitchableProxy(firstUpstream: number) {
  let upstream = firstUpstream;
  const sockets = new Set<Socket>();
  const server = net.createServer(client => {
    const cluster = net.connect(upstream, '127.0.0.1');
    for (const socket of [client, cluster]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        cluster.destroy();
      });
    }
    client.pipe(cluster).pipe(client);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** New connections go to `port`; open ones stay with their server until it closes them. */
    switchTo(port: number) {
      upstream = port;
    },
    close: () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('ClusterObjectSource when the cluster behind the URL is replaced by one whose resourceVersions are ahead', () => {
  let old: KubeTestServer | undefined;
  let replacement: KubeTestServer | undefined;

  afterEach(async () => {
    await old?.close();
    await replacement?.close();
  });

  const listResourceVersion = async (kube: KubeTestServer) => {
    const res = await fetch(`${kube.url}/api/v1/pods`, {
      headers: { authorization: `Bearer ${kube.token}` },
    });
    return Number(((await res.json()) as any).metadata.resourceVersion);
  };
  const podNames = async (kube: KubeTestServer, namespace: string) => {
    const res = await fetch(`${kube.url}/api/v1/namespaces/${namespace}/pods`, {
      headers: { authorization: `Bearer ${kube.token}` },
    });
    const list = (await res.json()) as any;
    return list.items.map((p: any) => p.metadata.name as string).sort();
  };

  it('serves the new cluster objects, not a mix: an object under a cached name with another UID rebuilds the cache', async () => {
    old = await startKubeTestServer({ scenarioDirs: [SCENARIOS_DIR] });
    const proxy = await startSwitchableProxy(old.port);
    const source = sourceFor(proxy.url, 5_000);
    const cachedPods = async () =>
      (await source.objectsIn('myapp')).pods.map(p => p.metadata!.name!).sort();
    try {
      await source.objectsIn();
      expect(source.isLive()).toBe(true);
      const oldPods = await podNames(old, 'myapp');
      expect(await cachedPods()).toEqual(oldPods);
      const oldVersion = await listResourceVersion(old);

      // The same scenarios after more objects than the old cluster ever had: every object has a
      // new UID and a resourceVersion ahead of the cache's, and the new cluster still holds the
      // events after the cache's resourceVersion, so the watch resumes without an error.
      replacement = await startKubeTestServer({
        objects: [
          ...generateBlueGreenServices(60),
          ...loadScenarios([SCENARIOS_DIR]),
        ],
        watchWindow: 100_000,
      });
      expect(await listResourceVersion(replacement)).toBeGreaterThan(
        oldVersion,
      );
      const newPods = await podNames(replacement, 'myapp');
      expect(newPods).not.toEqual(oldPods);
      proxy.switchTo(replacement.port);
      // Ends the watches as a restarting API server does, so the informers resume through the
      // proxy from the resourceVersion they hold.
      await old.close();
      old = undefined;

      const deadline = Date.now() + 5_000;
      let pods = await cachedPods();
      while (
        (!source.isLive() ||
          JSON.stringify(pods) !== JSON.stringify(newPods)) &&
        Date.now() < deadline
      ) {
        await new Promise(r => setTimeout(r, 100));
        pods = await cachedPods();
      }
      expect(source.isLive()).toBe(true);
      expect(pods).toEqual(newPods);
    } finally {
      await source.close();
      await proxy.close();
    }
  }, 20_000);
  it('rebuilds from fresh lists when the relist after a reset through the control API finds every object under a new UID', async () => {
    old = await startKubeTestServer({
      scenarioDirs: [SCENARIOS_DIR],
      control: true,
    });
    const kube = old;
    const warnings = mockServices.logger.mock();
    const source = sourceFor(kube.url, 5_000, warnings);
    const cached = async () => {
      const objects = await source.objectsIn('myapp');
      return {
        pods: objects.pods.map(p => p.metadata!.name!).sort(),
        weights: objects.virtualServices
          .find(v => v.metadata.name === 'myapp')!
          .spec.http![0].route!.map(r => r.weight),
      };
    };
    try {
      await source.objectsIn();
      const patched = await fetch(
        `${kube.url}/apis/networking.istio.io/v1beta1/namespaces/myapp/virtualservices/myapp`,
        {
          method: 'PATCH',
          headers: {
            authorization: `Bearer ${kube.token}`,
            'content-type': 'application/json-patch+json',
          },
          body: JSON.stringify([
            { op: 'replace', path: '/spec/http/0/route/0/weight', value: 90 },
            { op: 'replace', path: '/spec/http/0/route/1/weight', value: 10 },
          ]),
        },
      );
      expect(patched.status).toBe(200);
      const oldPods = await podNames(kube, 'myapp');

      // Back to the seed: new UIDs, resourceVersions still counting up, old events compacted.
      const reset = await fetch(`${kube.url}/__control/reset`, {
        method: 'POST',
      });
      expect(reset.ok).toBe(true);
      const newPods = await podNames(kube, 'myapp');
      expect(newPods).not.toEqual(oldPods);

      const expected = { pods: newPods, weights: [50, 50] };
      const deadline = Date.now() + 5_000;
      let seen = await cached();
      while (
        (!source.isLive() ||
          JSON.stringify(seen) !== JSON.stringify(expected)) &&
        Date.now() < deadline
      ) {
        await new Promise(r => setTimeout(r, 100));
        seen = await cached();
      }
      expect(source.isLive()).toBe(true);
      expect(seen).toEqual(expected);
      expect(warnings.warn).toHaveBeenCalledWith(
        expect.stringMatching(
          /^Watch cache of cluster 'demo' is rebuilt from fresh lists: .* has UID .* but the cache holds UID .*: the cluster behind the URL was replaced$/,
        ),
      );
    } finally {
      await source.close();
    }
  });
});

describe('ClusterObjectSource keeping what annotated entities can reach', () => {
  let kube: KubeTestServer | undefined;

  afterEach(async () => {
    await kube?.close();
  });

  const eventually = async (accept: () => boolean) => {
    const deadline = Date.now() + 5_000;
    while (!accept() && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 50));
    }
    return accept();
  };

  it('caches Services, Deployments and pods of the namespaces asked about, adding a new one while the others stay live', async () => {
    kube = await startKubeTestServer({
      scenarioDirs: [SCENARIOS_DIR],
      objects: generateBlueGreenServices(20, { namespaces: 4 }),
    });
    const server = kube;
    const count = async (path: string) => {
      const res = await fetch(`${server.url}${path}`, {
        headers: { authorization: `Bearer ${server.token}` },
      });
      return ((await res.json()) as { items: unknown[] }).items.length;
    };
    const clusterReads = () =>
      Object.keys(server.requestCounts()).filter(k => !k.startsWith('watch'));
    const source = sourceFor(kube.url, 5_000);
    try {
      await source.objectsIn('myapp');
      expect(await eventually(() => source.isLive('myapp'))).toBe(true);
      expect(source.cacheSize()!.objects).toMatchObject({
        pods: await count('/api/v1/namespaces/myapp/pods'),
        deployments: await count('/apis/apps/v1/namespaces/myapp/deployments'),
        services: await count('/api/v1/namespaces/myapp/services'),
        virtualServices: await count(
          '/apis/networking.istio.io/v1beta1/virtualservices',
        ),
      });

      // A namespace asked about for the first time is read directly, then cached too.
      kube.resetRequestCounts();
      const piiDemo = await source.objectsIn('pii-demo');
      expect(clusterReads()).toContain('list /api/v1/namespaces/pii-demo/pods');
      expect(source.isLive('myapp')).toBe(true);
      expect(await eventually(() => source.isLive('pii-demo'))).toBe(true);
      expect(source.isLive('myapp')).toBe(true);
      kube.resetRequestCounts();
      const podNames = (objects: ClusterObjects) =>
        objects.pods.map(p => p.metadata!.name).sort();
      expect(podNames(await source.objectsIn('pii-demo'))).toEqual(
        podNames(piiDemo),
      );
      expect(clusterReads()).toEqual([]);
      expect(source.cacheSize()!.objects.pods).toBe(
        (await count('/api/v1/namespaces/myapp/pods')) +
          (await count('/api/v1/namespaces/pii-demo/pods')),
      );

      // An entity that names no namespace reads every namespace.
      const everything = await source.objectsIn();
      expect(everything.pods).toHaveLength(await count('/api/v1/pods'));
    } finally {
      await source.close();
    }
  });
});
