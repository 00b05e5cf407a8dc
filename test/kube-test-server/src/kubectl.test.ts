import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:https';
import { SCENARIOS_DIR } from './seed';
import { KubeTestServer, startKubeTestServer } from './server';
import {
  missingKubectlTools,
  runKubectl,
  selfSignedCertificate,
} from './kubectl';

const missingTools = missingKubectlTools();
const describeWithKubectl = missingTools.length ? describe.skip : describe;
if (missingTools.length) {
  // eslint-disable-next-line no-console
  console.warn(
    `Skipping the kubectl tests: ${missingTools.join(' and ')} not on the PATH`,
  );
}

describeWithKubectl('kubectl against the test server', () => {
  let dir: string;
  let server: KubeTestServer;
  let tls: { cert: Buffer; key: Buffer };

  const kubectl = (...args: string[]) =>
    runKubectl(
      [
        '--kubeconfig',
        join(dir, 'kubeconfig'),
        '--cache-dir',
        join(dir, 'cache'),
        ...args,
      ],
      20_000,
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kube-test-server-kubectl-'));
    tls = selfSignedCertificate(dir);
    server = await startKubeTestServer({
      scenarioDirs: [SCENARIOS_DIR],
      tls,
    });
    writeFileSync(
      join(dir, 'kubeconfig'),
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'test',
            cluster: {
              server: server.url,
              'certificate-authority-data': tls.cert.toString('base64'),
            },
          },
        ],
        users: [{ name: 'test', user: { token: server.token } }],
        contexts: [
          {
            name: 'test',
            context: { cluster: 'test', user: 'test', namespace: 'myapp' },
          },
        ],
        'current-context': 'test',
      }),
    );
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** An independent check of what kubectl did: plain HTTPS trusting the test certificate. */
  const call = (
    method: string,
    path: string,
    options: { body?: unknown; contentType?: string } = {},
  ) =>
    new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = request(
        `${server.url}${path}`,
        {
          method,
          ca: tls.cert,
          headers: {
            authorization: `Bearer ${server.token}`,
            'content-type': options.contentType ?? 'application/json',
          },
        },
        response => {
          let text = '';
          response.on('data', chunk => (text += chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode!, body: JSON.parse(text) }),
          );
        },
      );
      req.on('error', reject);
      req.end(
        options.body === undefined ? undefined : JSON.stringify(options.body),
      );
    });

  const vsWeights = async () =>
    (
      await call(
        'GET',
        '/apis/networking.istio.io/v1/namespaces/myapp/virtualservices/myapp',
      )
    ).body.spec.http[0].route.map((r: any) => r.weight);

  it('serves HTTPS with the given certificate', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect((await call('GET', '/version')).status).toBe(200);
  });

  it('creates from a manifest with validation on, and applies a scenario', async () => {
    const manifest = join(dir, 'dr.yaml');
    writeFileSync(
      manifest,
      [
        'apiVersion: networking.istio.io/v1beta1',
        'kind: DestinationRule',
        'metadata: {name: canary, namespace: myapp}',
        'spec: {host: myapp, subsets: [{name: v2, labels: {version: v2}}]}',
      ].join('\n'),
    );
    const created = await kubectl('create', '-f', manifest);
    expect(created).toMatchObject({
      code: 0,
      stdout: 'destinationrule.networking.istio.io/canary created\n',
    });
    const stored = await call(
      'GET',
      '/apis/networking.istio.io/v1alpha3/namespaces/myapp/destinationrules/canary',
    );
    expect(stored.body.spec.subsets[0].name).toBe('v2');

    const again = await kubectl('create', '-f', manifest);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('AlreadyExists');

    const applied = await kubectl(
      'apply',
      '-f',
      join(SCENARIOS_DIR, 'myapp.yaml'),
    );
    expect(applied.stderr.replace(/Warning: .*\n/g, '')).toBe('');
    expect(applied.stdout).toContain(
      'virtualservice.networking.istio.io/myapp configured',
    );
    expect(applied.stdout).toContain('deployment.apps/myapp-v1 configured');
  });

  it('gets and lists with label selectors, across namespaces and by full resource name', async () => {
    const blue = await kubectl(
      'get',
      'pods',
      '-n',
      'pii-demo',
      '-l',
      'version=blue',
      '-o',
      'name',
    );
    expect(blue.code).toBe(0);
    expect(blue.stdout.trim().split('\n').sort()).toEqual([
      expect.stringMatching(/^pod\/httpd-server-blue-[a-z0-9]+-[a-z0-9]{5}$/),
      expect.stringMatching(/^pod\/mysql-server-blue-[a-z0-9]+-[a-z0-9]{5}$/),
    ]);

    const set = await kubectl(
      'get',
      'deploy',
      '-A',
      '-l',
      'version in (green),app!=mysql-server',
      '-o',
      'jsonpath={range .items[*]}{.metadata.name} {.status.readyReplicas}{"\\n"}{end}',
    );
    expect(set.stdout).toBe('httpd-server-green 1\ngreen-app 2\n');

    const all = await kubectl(
      'get',
      'virtualservices.networking.istio.io',
      '-A',
    );
    expect(all.code).toBe(0);
    const rows = all.stdout
      .trim()
      .split('\n')
      .map(line => line.split(/\s+/).slice(0, 2));
    expect(rows).toEqual([
      ['NAMESPACE', 'NAME'],
      ['myapp', 'myapp'],
      ['pii-demo', 'httpd-server'],
      ['pii-demo', 'mysql-server'],
      ['progressive', 'progressive-app'],
    ]);

    const short = await kubectl(
      'get',
      'vs',
      'httpd-server',
      '-n',
      'pii-demo',
      '-o',
      'jsonpath={.spec.hosts}',
    );
    expect(JSON.parse(short.stdout)).toContain('pii-demo-blue.apps.hl.test');
  });

  it('patches with merge and JSON patches', async () => {
    const merged = await kubectl(
      'patch',
      'vs',
      'myapp',
      '--type',
      'merge',
      '-p',
      '{"spec":{"http":[{"route":[{"destination":{"host":"myapp","subset":"v1"},"weight":90},{"destination":{"host":"myapp","subset":"v2"},"weight":10}]}]}}',
    );
    expect(merged).toMatchObject({
      code: 0,
      stdout: 'virtualservice.networking.istio.io/myapp patched\n',
    });
    expect(await vsWeights()).toEqual([90, 10]);

    const json = await kubectl(
      'patch',
      'vs',
      'myapp',
      '--type',
      'json',
      '-p',
      JSON.stringify([
        { op: 'test', path: '/spec/http/0/route/0/weight', value: 90 },
        { op: 'replace', path: '/spec/http/0/route/0/weight', value: 0 },
        { op: 'replace', path: '/spec/http/0/route/1/weight', value: 100 },
      ]),
    );
    expect(json.code).toBe(0);
    expect(await vsWeights()).toEqual([0, 100]);

    const failedTest = await kubectl(
      'patch',
      'vs',
      'myapp',
      '--type',
      'json',
      '-p',
      '[{"op":"test","path":"/spec/http/0/route/0/weight","value":90}]',
    );
    expect(failedTest.code).not.toBe(0);
    expect(failedTest.stderr).toContain('is invalid');
    expect(await vsWeights()).toEqual([0, 100]);

    const scaled = await kubectl(
      'scale',
      'deployment',
      'myapp-v2',
      '--replicas',
      '3',
    );
    expect(scaled.code).toBe(0);
    expect(
      (
        await call(
          'GET',
          '/api/v1/namespaces/myapp/pods?labelSelector=version%3Dv2',
        )
      ).body.items,
    ).toHaveLength(3);
  });

  it('refuses a merge patch carrying a stale resourceVersion with 409 Conflict', async () => {
    const rv = (
      await kubectl(
        'get',
        'dr',
        'myapp',
        '-o',
        'jsonpath={.metadata.resourceVersion}',
      )
    ).stdout;
    await call(
      'PATCH',
      '/apis/networking.istio.io/v1/namespaces/myapp/destinationrules/myapp',
      {
        body: { metadata: { labels: { touched: 'elsewhere' } } },
        contentType: 'application/merge-patch+json',
      },
    );
    const stale = await kubectl(
      'patch',
      'dr',
      'myapp',
      '--type',
      'merge',
      '-p',
      JSON.stringify({
        metadata: { resourceVersion: rv },
        spec: { host: 'other' },
      }),
    );
    expect(stale.code).not.toBe(0);
    expect(stale.stderr).toContain('Conflict');
    expect(
      (
        await call(
          'GET',
          '/apis/networking.istio.io/v1/namespaces/myapp/destinationrules/myapp',
        )
      ).body.spec.host,
    ).toBe('myapp');
  });

  it('sets images, labels and deletes as against a real cluster, and refuses invalid Istio objects naming the field', async () => {
    const setImage = await kubectl(
      'set',
      'image',
      'deployment/myapp-v1',
      `${
        (
          await call(
            'GET',
            '/apis/apps/v1/namespaces/myapp/deployments/myapp-v1',
          )
        ).body.spec.template.spec.containers[0].name
      }=httpd:2.4.62`,
    );
    expect(setImage.code).toBe(0);
    const deployment = (
      await call('GET', '/apis/apps/v1/namespaces/myapp/deployments/myapp-v1')
    ).body;
    const [container] = deployment.spec.template.spec.containers;
    expect(container.image).toBe('httpd:2.4.62');
    expect(JSON.stringify(deployment)).not.toContain('$setElementOrder');

    const label = await kubectl('label', 'vs', 'myapp', 'stage=cutover');
    expect(label.stdout).toBe(
      'virtualservice.networking.istio.io/myapp labeled\n',
    );

    const pod = (
      await kubectl('get', 'pods', '-l', 'version=v1', '-o', 'name')
    ).stdout
      .trim()
      .split('\n')[0];
    const deleted = await kubectl('delete', pod, '--wait=false');
    expect(deleted.stdout).toBe(`pod "${pod.slice('pod/'.length)}" deleted\n`);
    expect(
      (
        await kubectl(
          'get',
          pod,
          '-o',
          'jsonpath={.metadata.deletionTimestamp}',
        )
      ).stdout,
    ).not.toBe('');

    const manifest = join(dir, 'bad-vs.yaml');
    writeFileSync(
      manifest,
      [
        'apiVersion: networking.istio.io/v1',
        'kind: VirtualService',
        'metadata: {name: bad}',
        'spec:',
        '  hosts: [bad]',
        '  http: [{route: [{destination: {host: bad}, weight: fifty}]}]',
      ].join('\n'),
    );
    const invalid = await kubectl('apply', '-f', manifest);
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain('spec.http[0].route[0].weight');

    writeFileSync(
      manifest,
      [
        'apiVersion: networking.istio.io/v1',
        'kind: VirtualService',
        'metadata: {name: bad}',
        'spec: {hosts: [bad], bogusField: 1}',
      ].join('\n'),
    );
    const unknown = await kubectl('apply', '-f', manifest);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('unknown field "spec.bogusField"');
  });
});
