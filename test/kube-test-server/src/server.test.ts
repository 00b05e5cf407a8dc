import { SCENARIOS_DIR, loadScenarios } from './seed';
import { KubeTestServer, startKubeTestServer } from './server';
import { call } from './testUtils';

const VS = '/apis/networking.istio.io/v1beta1/namespaces/myapp/virtualservices';
const DEPLOYMENTS = '/apis/apps/v1/namespaces/myapp/deployments';

function virtualService(
  name: string,
  weights: [number, number] = [50, 50],
  apiVersion = 'networking.istio.io/v1beta1',
) {
  return {
    apiVersion,
    kind: 'VirtualService',
    metadata: { name, namespace: 'myapp', labels: { team: 'web' } },
    spec: {
      hosts: [`${name}.example.com`],
      http: [
        {
          route: [
            {
              destination: { host: 'myapp', subset: 'v1' },
              weight: weights[0],
            },
            {
              destination: { host: 'myapp', subset: 'v2' },
              weight: weights[1],
            },
          ],
        },
      ],
    },
  };
}

let server: KubeTestServer;

beforeAll(async () => {
  server = await startKubeTestServer({
    scenarioDirs: [SCENARIOS_DIR],
    readOnlyTokens: ['viewer-token'],
  });
});

afterAll(() => server.close());

beforeEach(() => server.reset());

describe('discovery', () => {
  it('serves version, core and group discovery', async () => {
    expect(
      (await call(server, 'GET', '/version', { token: null })).body,
    ).toMatchObject({ major: '1', gitVersion: expect.stringMatching(/^v1\./) });
    expect((await call(server, 'GET', '/api')).body).toMatchObject({
      kind: 'APIVersions',
      versions: ['v1'],
    });

    const core = (await call(server, 'GET', '/api/v1')).body;
    expect(core).toMatchObject({ kind: 'APIResourceList', groupVersion: 'v1' });
    expect(core.resources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'pods',
          singularName: 'pod',
          namespaced: true,
          kind: 'Pod',
          shortNames: ['po'],
          verbs: expect.arrayContaining(['get', 'list', 'watch', 'patch']),
        }),
        expect.objectContaining({ name: 'services', shortNames: ['svc'] }),
        expect.objectContaining({
          name: 'namespaces',
          namespaced: false,
          shortNames: ['ns'],
        }),
        expect.objectContaining({ name: 'endpoints', kind: 'Endpoints' }),
      ]),
    );

    const groups = (await call(server, 'GET', '/apis')).body;
    expect(groups.kind).toBe('APIGroupList');
    expect(
      groups.groups.find((g: any) => g.name === 'networking.istio.io'),
    ).toEqual({
      name: 'networking.istio.io',
      versions: ['v1', 'v1beta1', 'v1alpha3'].map(version => ({
        groupVersion: `networking.istio.io/${version}`,
        version,
      })),
      preferredVersion: {
        groupVersion: 'networking.istio.io/v1',
        version: 'v1',
      },
    });
    expect(
      (await call(server, 'GET', '/apis/networking.istio.io')).body,
    ).toMatchObject({ kind: 'APIGroup', name: 'networking.istio.io' });

    for (const version of ['v1', 'v1beta1', 'v1alpha3']) {
      const istio = (
        await call(server, 'GET', `/apis/networking.istio.io/${version}`)
      ).body;
      expect(istio.resources.map((r: any) => [r.name, r.shortNames])).toEqual(
        expect.arrayContaining([
          ['virtualservices', ['vs']],
          ['destinationrules', ['dr']],
          ['gateways', ['gw']],
        ]),
      );
    }
    const apps = (await call(server, 'GET', '/apis/apps/v1')).body.resources;
    expect(apps.map((r: any) => r.name)).toEqual(
      expect.arrayContaining([
        'deployments',
        'deployments/status',
        'deployments/scale',
        'replicasets',
        'replicasets/status',
      ]),
    );
    expect(apps.find((r: any) => r.name === 'deployments').shortNames).toEqual([
      'deploy',
    ]);
  });

  it('answers 404 Status for unknown groups, versions and paths', async () => {
    for (const path of [
      '/apis/example.com',
      '/apis/apps/v2',
      '/nope',
      '/openapi/v2',
      '/apis/apps/v1/namespaces/x/widgets',
    ]) {
      const reply = await call(server, 'GET', path);
      expect([path, reply.status, reply.body.kind, reply.body.reason]).toEqual([
        path,
        404,
        'Status',
        'NotFound',
      ]);
    }
  });

  it('serves OpenAPI v3 documents declaring server-side field validation', async () => {
    const root = (await call(server, 'GET', '/openapi/v3')).body;
    const url =
      root.paths['apis/networking.istio.io/v1alpha3'].serverRelativeURL;
    const doc = (await call(server, 'GET', url)).body;
    const patch =
      doc.paths[
        '/apis/networking.istio.io/v1alpha3/namespaces/{namespace}/virtualservices/{name}'
      ].patch;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({
      group: 'networking.istio.io',
      version: 'v1alpha3',
      kind: 'VirtualService',
    });
    expect(patch.parameters.map((p: any) => p.name)).toContain(
      'fieldValidation',
    );
  });
});

describe('authentication', () => {
  it('answers 401 without a valid bearer token', async () => {
    for (const token of [null, 'wrong']) {
      const reply = await call(server, 'GET', '/api/v1/pods', { token });
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        reason: 'Unauthorized',
        code: 401,
      });
    }
    expect((await call(server, 'GET', '/healthz', { token: null })).body).toBe(
      'ok',
    );
  });

  it('lets read-only tokens read but not write', async () => {
    expect(
      (await call(server, 'GET', VS, { token: 'viewer-token' })).status,
    ).toBe(200);
    const reply = await call(server, 'PATCH', `${VS}/myapp`, {
      token: 'viewer-token',
      body: { metadata: { labels: { x: 'y' } } },
      contentType: 'application/merge-patch+json',
    });
    expect(reply.status).toBe(403);
    expect(reply.body).toMatchObject({ reason: 'Forbidden', code: 403 });
    expect(reply.body.message).toContain(
      'cannot patch resource "virtualservices" in API group "networking.istio.io" in the namespace "myapp"',
    );
  });
});

describe('resources', () => {
  it('creates with server-set metadata and serves Istio kinds at every version from one storage', async () => {
    const created = await call(
      server,
      'POST',
      '/apis/networking.istio.io/v1alpha3/namespaces/myapp/virtualservices',
      {
        body: virtualService(
          'canary',
          [90, 10],
          'networking.istio.io/v1alpha3',
        ),
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.apiVersion).toBe('networking.istio.io/v1alpha3');
    expect(created.body.metadata).toMatchObject({
      name: 'canary',
      namespace: 'myapp',
      generation: 1,
      uid: expect.any(String),
      creationTimestamp: expect.any(String),
      resourceVersion: expect.stringMatching(/^\d+$/),
    });

    for (const version of ['v1', 'v1beta1', 'v1alpha3']) {
      const got = await call(
        server,
        'GET',
        `/apis/networking.istio.io/${version}/namespaces/myapp/virtualservices/canary`,
      );
      expect(got.body.apiVersion).toBe(`networking.istio.io/${version}`);
      expect(got.body.spec.http[0].route[0].weight).toBe(90);
    }
    const duplicate = await call(server, 'POST', VS, {
      body: virtualService('canary'),
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({
      reason: 'AlreadyExists',
      details: {
        name: 'canary',
        group: 'networking.istio.io',
        kind: 'virtualservices',
      },
    });
  });

  it('supports generateName and validates names and namespaces', async () => {
    const generated = await call(
      server,
      'POST',
      '/api/v1/namespaces/myapp/configmaps',
      { body: { metadata: { generateName: 'cfg-' }, data: { a: '1' } } },
    );
    expect(generated.status).toBe(201);
    expect(generated.body.metadata.name).toMatch(/^cfg-[a-z0-9]{5}$/);

    const nameless = await call(
      server,
      'POST',
      '/api/v1/namespaces/myapp/configmaps',
      { body: { metadata: {} } },
    );
    expect([nameless.status, nameless.body.reason]).toEqual([422, 'Invalid']);
    expect(nameless.body.details.causes[0].field).toBe('metadata.name');

    const badName = await call(
      server,
      'POST',
      '/api/v1/namespaces/myapp/configmaps',
      { body: { metadata: { name: 'Not_Valid' } } },
    );
    expect(badName.status).toBe(422);

    const mismatch = await call(server, 'POST', VS, {
      body: {
        ...virtualService('x'),
        metadata: { name: 'x', namespace: 'other' },
      },
    });
    expect([mismatch.status, mismatch.body.reason]).toEqual([
      400,
      'BadRequest',
    ]);

    const missingNamespace = await call(
      server,
      'POST',
      '/api/v1/namespaces/nowhere/configmaps',
      { body: { metadata: { name: 'a' } } },
    );
    expect([missingNamespace.status, missingNamespace.body.message]).toEqual([
      404,
      'namespaces "nowhere" not found',
    ]);

    const badDeployment = await call(server, 'POST', DEPLOYMENTS, {
      body: {
        metadata: { name: 'broken' },
        spec: {
          selector: { matchLabels: { app: 'a' } },
          template: {
            metadata: { labels: { app: 'b' } },
            spec: { containers: [] },
          },
        },
      },
    });
    expect(badDeployment.status).toBe(422);
    expect(badDeployment.body.details.causes.map((c: any) => c.field)).toEqual([
      'spec.template.metadata.labels',
      'spec.template.spec.containers',
    ]);
  });

  it('updates with optimistic concurrency and bumps generation on spec changes only', async () => {
    const current = (await call(server, 'GET', `${VS}/myapp`)).body;
    const labelled = await call(server, 'PUT', `${VS}/myapp`, {
      body: {
        ...current,
        metadata: { ...current.metadata, labels: { a: 'b' } },
      },
    });
    expect(labelled.status).toBe(200);
    expect(labelled.body.metadata.generation).toBe(1);
    expect(Number(labelled.body.metadata.resourceVersion)).toBeGreaterThan(
      Number(current.metadata.resourceVersion),
    );

    const stale = await call(server, 'PUT', `${VS}/myapp`, {
      body: { ...current, spec: { hosts: ['x'] } },
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ reason: 'Conflict', code: 409 });
    expect(stale.body.message).toContain('the object has been modified');

    const updated = await call(server, 'PUT', `${VS}/myapp`, {
      body: {
        ...labelled.body,
        spec: { ...current.spec, hosts: ['new.example.com'] },
      },
    });
    expect(updated.body.metadata.generation).toBe(2);

    const wrongName = await call(server, 'PUT', `${VS}/other`, {
      body: labelled.body,
    });
    expect(wrongName.status).toBe(400);
    const missing = await call(server, 'PUT', `${VS}/ghost`, {
      body: { ...labelled.body, metadata: { name: 'ghost' } },
    });
    expect(missing.status).toBe(404);
  });

  it('patches with merge and JSON patch, and refuses strategic merge for custom resources', async () => {
    const merge = await call(server, 'PATCH', `${VS}/myapp`, {
      body: {
        metadata: { labels: { stage: 'cutover' } },
        spec: { gateways: null },
      },
      contentType: 'application/merge-patch+json',
    });
    expect(merge.status).toBe(200);
    expect(merge.body.metadata.labels).toEqual({ stage: 'cutover' });
    expect(merge.body.spec.gateways).toBeUndefined();

    const strategic = await call(server, 'PATCH', `${VS}/myapp`, {
      body: { metadata: { annotations: { note: 'x' } } },
      contentType: 'application/strategic-merge-patch+json',
    });
    expect([strategic.status, strategic.body.reason]).toEqual([
      415,
      'UnsupportedMediaType',
    ]);
    expect(strategic.body.message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );

    const json = await call(server, 'PATCH', `${VS}/myapp`, {
      body: [
        { op: 'test', path: '/spec/http/0/route/0/weight', value: 50 },
        { op: 'replace', path: '/spec/http/0/route/0/weight', value: 0 },
        { op: 'replace', path: '/spec/http/0/route/1/weight', value: 100 },
      ],
      contentType: 'application/json-patch+json',
    });
    expect(json.status).toBe(200);
    expect(json.body.spec.http[0].route.map((r: any) => r.weight)).toEqual([
      0, 100,
    ]);
    expect(json.body.metadata.generation).toBe(3);

    const apply = await call(server, 'PATCH', `${VS}/myapp`, {
      body: '{}',
      contentType: 'application/apply-patch+yaml',
    });
    expect([apply.status, apply.body.message]).toEqual([
      415,
      expect.stringContaining('server-side apply'),
    ]);
  });

  it('refuses failed JSON patch tests (422) and stale resourceVersions in patches (409)', async () => {
    const before = (await call(server, 'GET', `${VS}/myapp`)).body;
    const failedTest = await call(server, 'PATCH', `${VS}/myapp`, {
      body: [
        { op: 'replace', path: '/spec/http/0/route/0/weight', value: 0 },
        { op: 'test', path: '/spec/http/0/route/1/weight', value: 0 },
      ],
      contentType: 'application/json-patch+json',
    });
    expect([failedTest.status, failedTest.body.reason]).toEqual([
      422,
      'Invalid',
    ]);
    expect(failedTest.body.message).toBe(
      'the server rejected our request due to an error in our request',
    );

    const stale = await call(server, 'PATCH', `${VS}/myapp`, {
      body: { metadata: { resourceVersion: '1' }, spec: { hosts: ['x'] } },
      contentType: 'application/merge-patch+json',
    });
    expect([stale.status, stale.body.reason]).toEqual([409, 'Conflict']);

    const fresh = await call(server, 'PATCH', `${VS}/myapp`, {
      body: {
        metadata: { resourceVersion: before.metadata.resourceVersion },
        spec: { hosts: ['x'] },
      },
      contentType: 'application/merge-patch+json',
    });
    expect(fresh.status).toBe(200);
    expect((await call(server, 'GET', `${VS}/myapp`)).body.spec.hosts).toEqual([
      'x',
    ]);
  });

  it('rejects bad requests with the matching Status', async () => {
    const cases: Array<
      [string, string, Parameters<typeof call>[3], number, string]
    > = [
      [
        'PATCH',
        `${VS}/myapp`,
        { body: { a: 1 }, contentType: 'application/apply-patch+yaml' },
        415,
        'UnsupportedMediaType',
      ],
      ['POST', VS, { body: '{not json' }, 400, 'BadRequest'],
      ['POST', `${VS}/myapp`, { body: {} }, 405, 'MethodNotAllowed'],
      ['DELETE', VS, {}, 405, 'MethodNotAllowed'],
      ['GET', `${VS}/ghost`, {}, 404, 'NotFound'],
      [
        'GET',
        `${VS}?labelSelector=${encodeURIComponent('a in b')}`,
        {},
        400,
        'BadRequest',
      ],
      ['GET', `${VS}?fieldSelector=spec.hosts%3Dx`, {}, 400, 'BadRequest'],
      [
        'POST',
        DEPLOYMENTS,
        { body: { kind: 'Service', metadata: { name: 'x' } } },
        400,
        'BadRequest',
      ],
    ];
    for (const [method, path, options, code, reason] of cases) {
      const reply = await call(server, method, path, options);
      expect([
        method,
        path,
        reply.status,
        reply.body.reason,
        reply.body.code,
      ]).toEqual([method, path, code, reason, code]);
    }
  });

  it('deletes, answering with the object or a Status as Kubernetes does', async () => {
    const vs = await call(server, 'DELETE', `${VS}/myapp`);
    expect(vs.status).toBe(200);
    expect(vs.body).toMatchObject({
      kind: 'VirtualService',
      metadata: { name: 'myapp' },
    });
    const deployment = await call(server, 'DELETE', `${DEPLOYMENTS}/myapp-v1`);
    expect(deployment.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: {
        name: 'myapp-v1',
        group: 'apps',
        kind: 'deployments',
        uid: expect.any(String),
      },
    });
    expect((await call(server, 'GET', `${VS}/myapp`)).status).toBe(404);
    expect((await call(server, 'DELETE', `${VS}/myapp`)).status).toBe(404);

    const precondition = await call(
      server,
      'DELETE',
      `${DEPLOYMENTS}/myapp-v2`,
      { body: { preconditions: { resourceVersion: '1' } } },
    );
    expect(precondition.status).toBe(409);
  });

  it('validates and answers but stores nothing on dryRun=All', async () => {
    const rv = (await call(server, 'GET', VS)).body.metadata.resourceVersion;
    const create = await call(server, 'POST', `${VS}?dryRun=All`, {
      body: virtualService('dry'),
    });
    expect(create.status).toBe(201);
    expect(create.body.metadata.name).toBe('dry');
    expect((await call(server, 'GET', `${VS}/dry`)).status).toBe(404);

    const invalidDryRun = await call(server, 'POST', `${VS}?dryRun=All`, {
      body: { metadata: {} },
    });
    expect(invalidDryRun.status).toBe(422);

    const patch = await call(server, 'PATCH', `${VS}/myapp?dryRun=All`, {
      body: { spec: { hosts: ['dry'] } },
      contentType: 'application/merge-patch+json',
    });
    expect(patch.body.spec.hosts).toEqual(['dry']);
    const current = (await call(server, 'GET', `${VS}/myapp`)).body;
    expect(current.spec.hosts).toEqual(['myapp.example.com']);
    const update = await call(server, 'PUT', `${VS}/myapp?dryRun=All`, {
      body: { ...current, spec: { hosts: ['dry'] } },
    });
    expect(update.body.spec.hosts).toEqual(['dry']);
    expect(
      (await call(server, 'DELETE', `${VS}/myapp?dryRun=All`)).status,
    ).toBe(200);
    expect(
      (
        await call(server, 'DELETE', `${VS}/myapp`, {
          body: { dryRun: ['All'] },
        })
      ).status,
    ).toBe(200);

    const after = await call(server, 'GET', VS);
    expect(after.body.metadata.resourceVersion).toBe(rv);
    expect(after.body.items.map((i: any) => i.spec.hosts)).toEqual([
      ['myapp.example.com'],
    ]);
  });

  it('lists per namespace and across namespaces with label and field selectors', async () => {
    const all = (
      await call(server, 'GET', '/apis/networking.istio.io/v1/virtualservices')
    ).body;
    expect(all).toMatchObject({
      kind: 'VirtualServiceList',
      apiVersion: 'networking.istio.io/v1',
      metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
    });
    expect(
      all.items.map((i: any) => `${i.metadata.namespace}/${i.metadata.name}`),
    ).toEqual([
      'myapp/myapp',
      'pii-demo/httpd-server',
      'pii-demo/mysql-server',
      'progressive/progressive-app',
    ]);
    expect(
      all.items.every((i: any) => i.apiVersion === 'networking.istio.io/v1'),
    ).toBe(true);

    const names = async (path: string) =>
      (await call(server, 'GET', path)).body.items.map(
        (i: any) => i.metadata.name,
      );
    expect(
      await names(
        `/apis/apps/v1/deployments?labelSelector=${encodeURIComponent(
          'version in (blue),app!=mysql-server',
        )}`,
      ),
    ).toEqual(['httpd-server-blue', 'blue-app']);
    expect(
      await names(
        `/apis/apps/v1/namespaces/pii-demo/deployments?labelSelector=${encodeURIComponent(
          'app=mysql-server,version notin (blue)',
        )}`,
      ),
    ).toEqual(['mysql-server-green']);
    expect(
      await names(
        '/api/v1/services?fieldSelector=metadata.namespace%3Dpii-demo',
      ),
    ).toEqual(['httpd-server', 'mysql-server']);
    expect(
      await names(
        '/api/v1/namespaces/pii-demo/services?fieldSelector=metadata.name%3Dmysql-server',
      ),
    ).toEqual(['mysql-server']);
    expect(
      await names('/api/v1/namespaces?labelSelector=istio-injection'),
    ).toEqual(['myapp', 'pii-demo', 'progressive']);
    expect(
      await names('/api/v1/namespaces?labelSelector=!istio-injection'),
    ).toEqual(['default']);
  });

  it('pages lists with limit and continue', async () => {
    const first = (await call(server, 'GET', '/api/v1/pods?limit=3')).body;
    expect(first.items).toHaveLength(3);
    expect(first.metadata.remainingItemCount).toBe(9);
    const rest = (
      await call(
        server,
        'GET',
        `/api/v1/pods?limit=100&continue=${first.metadata.continue}`,
      )
    ).body;
    expect(rest.items).toHaveLength(9);
    expect(rest.metadata.continue).toBeUndefined();
  });

  it('writes status only through /status and scales through /scale', async () => {
    const path = `${DEPLOYMENTS}/myapp-v1`;
    const deployment = (await call(server, 'GET', `${path}/status`)).body;
    expect(deployment.status.readyReplicas).toBe(2);

    const mainPut = await call(server, 'PUT', path, {
      body: { ...deployment, status: { replicas: 99 } },
    });
    expect(mainPut.body.status.replicas).toBe(2);

    const statusPatch = await call(server, 'PATCH', `${path}/status`, {
      body: { status: { conditions: [] }, spec: { replicas: 7 } },
      contentType: 'application/merge-patch+json',
    });
    expect(statusPatch.status).toBe(200);
    expect(statusPatch.body.status.conditions).toEqual([]);
    expect(statusPatch.body.spec.replicas).toBe(2);

    const statusPut = await call(server, 'PUT', `${path}/status`, {
      body: { ...statusPatch.body, status: { observedGeneration: 42 } },
    });
    expect(statusPut.body.status).toEqual({ observedGeneration: 42 });

    const scale = (await call(server, 'GET', `${path}/scale`)).body;
    expect(scale).toMatchObject({
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      spec: { replicas: 2 },
      status: { selector: 'app=myapp,version=v1' },
    });
    const scaled = await call(server, 'PATCH', `${path}/scale`, {
      body: { spec: { replicas: 4 } },
      contentType: 'application/merge-patch+json',
    });
    expect(scaled.body.spec.replicas).toBe(4);
    const pods = (
      await call(
        server,
        'GET',
        '/api/v1/namespaces/myapp/pods?labelSelector=version%3Dv1',
      )
    ).body.items;
    expect(pods).toHaveLength(4);
    expect((await call(server, 'GET', path)).body.status).toMatchObject({
      replicas: 4,
      readyReplicas: 4,
    });
  });

  it('answers Tables to clients that ask for them', async () => {
    const table = (
      await call(server, 'GET', '/api/v1/namespaces/myapp/pods', {
        accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
      })
    ).body;
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c: any) => c.name).slice(0, 4)).toEqual(
      ['Name', 'Ready', 'Status', 'Restarts'],
    );
    expect(table.rows).toHaveLength(4);
    expect(table.rows[0].cells.slice(1, 3)).toEqual(['1/1', 'Running']);
  });
});

describe('seeded scenarios', () => {
  it('are valid under fieldValidation=Strict: no unknown field, nothing the server refuses', async () => {
    const strict = await startKubeTestServer({});
    try {
      for (const object of loadScenarios([SCENARIOS_DIR])) {
        const [group, version] = object.apiVersion!.includes('/')
          ? object.apiVersion!.split('/')
          : ['', object.apiVersion!];
        const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
        // Every kind in the scenarios forms its plural with an "s".
        const plural = `${object.kind!.toLowerCase()}s`;
        const path =
          object.kind === 'Namespace'
            ? `${base}/namespaces`
            : `${base}/namespaces/${object.metadata.namespace}/${plural}`;
        const reply = await call(
          strict,
          'POST',
          `${path}?fieldValidation=Strict`,
          {
            body: object,
          },
        );
        expect([
          object.metadata.name,
          reply.status,
          reply.headers.get('warning'),
        ]).toEqual([object.metadata.name, 201, null]);
      }
    } finally {
      await strict.close();
    }
  });

  it('seeds the three scenarios with running workloads', async () => {
    const namespaces = (await call(server, 'GET', '/api/v1/namespaces')).body
      .items;
    expect(
      namespaces.map((n: any) => [
        n.metadata.name,
        n.metadata.labels['istio-injection'],
      ]),
    ).toEqual([
      ['default', undefined],
      ['myapp', 'enabled'],
      ['pii-demo', 'enabled'],
      ['progressive', 'enabled'],
    ]);
    const vs = (
      await call(
        server,
        'GET',
        '/apis/networking.istio.io/v1beta1/namespaces/pii-demo/virtualservices/httpd-server',
      )
    ).body;
    expect(vs.spec.gateways).toEqual(['mesh', 'pii-demo-gateway']);
    expect(
      vs.spec.http.map((rule: any) => rule.route[0].destination.subset),
    ).toEqual(['blue', 'green', undefined]);
    expect(vs.spec.http[0].match).toEqual([
      {
        headers: { host: { exact: 'pii-demo-blue.apps.hl.test' } },
        gateways: ['pii-demo-gateway'],
      },
      { sourceLabels: { version: 'blue' } },
    ]);
    const mysql = (
      await call(
        server,
        'GET',
        '/api/v1/namespaces/pii-demo/services/mysql-server',
      )
    ).body;
    expect(mysql.spec.ports[0].name).toBe('tcp-3306');
    const progressive = (
      await call(
        server,
        'GET',
        '/apis/networking.istio.io/v1/namespaces/progressive/virtualservices/progressive-app',
      )
    ).body;
    expect(
      progressive.spec.http[0].route.map((r: any) => [
        r.destination.subset,
        r.weight,
      ]),
    ).toEqual([
      ['blue', 70],
      ['green', 30],
    ]);

    const images = (
      await call(
        server,
        'GET',
        '/api/v1/namespaces/pii-demo/pods?labelSelector=app%3Dhttpd-server',
      )
    ).body.items.map((p: any) => [
      p.metadata.labels.version,
      p.spec.containers[0].image,
      p.status.phase,
    ]);
    expect(images.sort()).toEqual([
      ['blue', 'lisenet/httpd-pii-demo:0.2', 'Running'],
      ['green', 'lisenet/httpd-pii-demo:0.3', 'Running'],
    ]);
    const endpoints = (
      await call(server, 'GET', '/api/v1/namespaces/myapp/endpoints/myapp')
    ).body;
    expect(endpoints.subsets[0].addresses).toHaveLength(4);
  });
});
