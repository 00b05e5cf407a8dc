import { SCENARIOS_DIR } from './seed';
import { KubeTestServer, startKubeTestServer } from './server';
import { WatchStream, call } from './testUtils';

const PODS = '/api/v1/namespaces/pii-demo/pods';

describe('control API', () => {
  let server: KubeTestServer;

  beforeAll(async () => {
    server = await startKubeTestServer({
      scenarioDirs: [SCENARIOS_DIR],
      control: true,
    });
  });
  beforeEach(() => server.reset());
  afterAll(() => server.close());

  it('is off unless enabled', async () => {
    const plain = await startKubeTestServer();
    try {
      expect((await call(plain, 'POST', '/__control/reset')).status).toBe(404);
      expect(
        (await call(plain, 'POST', '/__control/reset', { token: null })).status,
      ).toBe(401);
    } finally {
      await plain.close();
    }
  });

  it('fails the next N matching requests with an injected status', async () => {
    const injected = await call(server, 'POST', '/__control/faults', {
      body: {
        type: 'error',
        verb: 'list',
        path: '/pods',
        status: 503,
        count: 2,
        message: 'etcd is down',
      },
    });
    expect(injected.status).toBe(201);
    expect(
      (await call(server, 'GET', '/__control/faults')).body.faults,
    ).toEqual([
      {
        type: 'error',
        verb: 'list',
        path: '/pods',
        status: 503,
        count: 2,
        message: 'etcd is down',
      },
    ]);
    // A get does not match the verb; the lists do, twice.
    expect(
      (await call(server, 'GET', '/api/v1/namespaces/pii-demo')).status,
    ).toBe(200);
    for (let i = 0; i < 2; i++) {
      const reply = await call(server, 'GET', PODS);
      expect([reply.status, reply.body.reason, reply.body.message]).toEqual([
        503,
        'ServiceUnavailable',
        'etcd is down',
      ]);
    }
    expect((await call(server, 'GET', PODS)).status).toBe(200);

    server.injectFault({ type: 'error', verb: 'PATCH', status: 409 });
    const conflict = await call(server, 'PATCH', `${PODS}/x`, {
      body: {},
      contentType: 'application/merge-patch+json',
    });
    expect([conflict.status, conflict.body.reason]).toEqual([409, 'Conflict']);
  });

  it('adds latency and drops connections for matching requests', async () => {
    server.injectFault({
      type: 'latency',
      path: 'virtualservices',
      latencyMs: 300,
    });
    let started = Date.now();
    await call(server, 'GET', '/apis/networking.istio.io/v1/virtualservices');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    started = Date.now();
    await call(server, 'GET', PODS);
    expect(Date.now() - started).toBeLessThan(250);
    server.clearFaults();

    await call(server, 'POST', '/__control/faults', {
      body: { type: 'drop', path: 'services' },
    });
    await expect(call(server, 'GET', '/api/v1/services')).rejects.toThrow();
    expect((await call(server, 'GET', '/api/v1/services')).status).toBe(200);
  });

  it('mutates matching writes as a mutating admission webhook would, before validation', async () => {
    const VS =
      '/apis/networking.istio.io/v1/namespaces/progressive/virtualservices/progressive-app';
    const weights = (vs: any) =>
      vs.spec.http[0].route.map((r: any) => r.weight);
    const labelPatch = (value: string) => ({
      body: { metadata: { labels: { edited: value } } },
      contentType: 'application/merge-patch+json',
    });
    expect(weights((await call(server, 'GET', VS)).body)).toEqual([70, 30]);
    const injected = await call(server, 'POST', '/__control/faults', {
      body: {
        type: 'mutate',
        path: 'virtualservices/progressive-app',
        patch: [
          { op: 'replace', path: '/spec/http/0/route/0/weight', value: 100 },
          { op: 'replace', path: '/spec/http/0/route/1/weight', value: 0 },
        ],
      },
    });
    expect(injected.status).toBe(201);

    // Reads pass untouched and use nothing up; every write is mutated until cleared.
    expect(weights((await call(server, 'GET', VS)).body)).toEqual([70, 30]);
    for (const value of ['first', 'second']) {
      const written = await call(server, 'PATCH', VS, labelPatch(value));
      expect(written.status).toBe(200);
      expect(written.body.metadata.labels.edited).toBe(value);
      expect(weights(written.body)).toEqual([100, 0]);
    }
    expect(weights((await call(server, 'GET', VS)).body)).toEqual([100, 0]);

    // What the webhook adds is validated like the client's own fields: nothing is stored.
    server.clearFaults();
    const before = (await call(server, 'GET', VS)).body.metadata;
    server.injectFault({
      type: 'mutate',
      path: 'virtualservices',
      patch: [
        { op: 'replace', path: '/spec/http/0/route/0/weight', value: 'heavy' },
      ],
    });
    const invalid = await call(server, 'PATCH', VS, labelPatch('third'));
    expect([invalid.status, invalid.body.reason]).toEqual([422, 'Invalid']);
    // A patch that does not apply fails the write as the API server fails a broken webhook.
    server.clearFaults();
    server.injectFault({
      type: 'mutate',
      verb: 'patch',
      patch: [{ op: 'test', path: '/spec/hosts/0', value: 'not-this-host' }],
      count: 1,
    });
    const broken = await call(server, 'PATCH', VS, labelPatch('fourth'));
    expect([broken.status, broken.body.reason]).toEqual([500, 'InternalError']);
    expect(broken.body.message).toMatch(
      /^Internal error occurred: JSON Patch of the mutating admission webhook/,
    );
    expect((await call(server, 'GET', VS)).body.metadata).toEqual(before);
    // Its count was used up: the next write is the client's alone.
    const plain = await call(server, 'PATCH', VS, labelPatch('fifth'));
    expect(plain.body.metadata.labels.edited).toBe('fifth');
    expect(() =>
      server.injectFault({ type: 'mutate', patch: {} } as never),
    ).toThrow('a mutate fault needs a patch: a JSON Patch array');
  });

  it('changes pod readiness, which flows into endpoints, deployment status and watches', async () => {
    const rv = (
      await call(server, 'GET', '/apis/apps/v1/namespaces/pii-demo/deployments')
    ).body.metadata.resourceVersion;
    const watch = await WatchStream.open(
      server,
      `/apis/apps/v1/namespaces/pii-demo/deployments?watch=true&resourceVersion=${rv}`,
    );
    try {
      const reply = await call(server, 'POST', '/__control/pods/readiness', {
        body: {
          namespace: 'pii-demo',
          labelSelector: 'app=httpd-server,version=green',
          ready: false,
        },
      });
      expect(reply.body.pods).toEqual([
        expect.stringMatching(/^httpd-server-green-/),
      ]);

      const endpoints = (
        await call(
          server,
          'GET',
          '/api/v1/namespaces/pii-demo/endpoints/httpd-server',
        )
      ).body.subsets[0];
      expect(endpoints.addresses.map((a: any) => a.targetRef.name)).toEqual([
        expect.stringMatching(/^httpd-server-blue-/),
      ]);
      expect(
        endpoints.notReadyAddresses.map((a: any) => a.targetRef.name),
      ).toEqual(reply.body.pods);

      const green = (
        await call(
          server,
          'GET',
          '/apis/apps/v1/namespaces/pii-demo/deployments/httpd-server-green',
        )
      ).body;
      expect(green.status.readyReplicas).toBeUndefined();
      expect(green.status.unavailableReplicas).toBe(1);
      const events = await watch.waitFor(1);
      expect(events[0]).toMatchObject({
        type: 'MODIFIED',
        object: { metadata: { name: 'httpd-server-green' } },
      });

      expect(
        server.setPodReadiness({
          namespace: 'pii-demo',
          name: reply.body.pods[0],
          ready: true,
        }),
      ).toEqual(reply.body.pods);
      expect(
        (
          await call(
            server,
            'GET',
            '/apis/apps/v1/namespaces/pii-demo/deployments/httpd-server-green',
          )
        ).body.status.readyReplicas,
      ).toBe(1);
    } finally {
      watch.close();
    }
  });

  it('counts requests by verb and path until reset', async () => {
    await call(server, 'GET', PODS);
    await call(server, 'GET', PODS);
    (await WatchStream.open(server, `${PODS}?watch=true`)).close();
    await call(
      server,
      'PATCH',
      '/apis/networking.istio.io/v1beta1/namespaces/myapp/virtualservices/myapp',
      {
        body: { metadata: { labels: { a: 'b' } } },
        contentType: 'application/merge-patch+json',
      },
    );
    expect(
      (await call(server, 'GET', '/__control/requests')).body.counts,
    ).toEqual({
      [`list ${PODS}`]: 2,
      [`watch ${PODS}`]: 1,
      'patch /apis/networking.istio.io/v1beta1/namespaces/myapp/virtualservices/myapp': 1,
    });
    await call(server, 'DELETE', '/__control/requests');
    expect(server.requestCounts()).toEqual({});
  });

  it('closes open watches and resets to the seed', async () => {
    const rv = (await call(server, 'GET', PODS)).body.metadata.resourceVersion;
    const watch = await WatchStream.open(
      server,
      `${PODS}?watch=true&resourceVersion=${rv}`,
    );
    expect(
      (await call(server, 'POST', '/__control/watches/close')).body,
    ).toEqual({ closed: 1 });
    await watch.waitFor(1000, 1000).catch(() => undefined);
    expect(watch.ended).toBe(true);

    await call(
      server,
      'DELETE',
      '/apis/networking.istio.io/v1/namespaces/myapp/virtualservices/myapp',
    );
    await call(server, 'DELETE', '/api/v1/namespaces/pii-demo');
    server.injectFault({ type: 'error', status: 500, path: 'never-matches' });
    expect((await call(server, 'POST', '/__control/reset')).status).toBe(200);
    expect(
      (
        await call(
          server,
          'GET',
          '/apis/networking.istio.io/v1/namespaces/myapp/virtualservices/myapp',
        )
      ).status,
    ).toBe(200);
    expect((await call(server, 'GET', PODS)).body.items).toHaveLength(4);
    expect(server.listFaults()).toEqual([]);
  });

  it('answers unknown control routes and bad bodies with errors', async () => {
    expect((await call(server, 'GET', '/__control/nothing')).status).toBe(404);
    expect(
      (
        await call(server, 'POST', '/__control/pods/readiness', {
          body: { namespace: 'x' },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call(server, 'POST', '/__control/faults', {
          body: { type: 'error', status: 200 },
        })
      ).status,
    ).toBe(400);
  });
});
