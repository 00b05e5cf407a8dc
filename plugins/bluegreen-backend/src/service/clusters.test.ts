import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  KubeTestServer,
  SCENARIOS_DIR,
  missingKubectlTools,
  selfSignedCertificate,
  startKubeTestServer,
} from '@internal/kube-test-server';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterObjectSource } from './ClusterObjectSource';
import {
  ClusterAccessOptions,
  ClusterDetails,
  clusterConfigProblem,
  readClusterDetails,
} from './clusters';

const kubernetes = (clusterLocatorMethods: object[]) =>
  new ConfigReader({ kubernetes: { clusterLocatorMethods } });

function configCluster(cluster: object) {
  return kubernetes([{ type: 'config', clusters: [cluster] }]);
}

function readOne(
  config: ConfigReader,
  options?: ClusterAccessOptions,
  logger = mockServices.logger.mock(),
): ClusterDetails {
  const [cluster] = readClusterDetails(config, logger, options);
  return cluster;
}

const sources: ClusterObjectSource[] = [];
function sourceFor(cluster: ClusterDetails, watch = false) {
  const source = new ClusterObjectSource(cluster, {
    istioApiVersion: 'v1beta1',
    timeoutMs: 5000,
    watch,
    logger: mockServices.logger.mock(),
  });
  sources.push(source);
  return source;
}

function requestsSeen(server: KubeTestServer): number {
  return Object.values(server.requestCounts()).reduce((a, b) => a + b, 0);
}

let server: KubeTestServer;
let dir: string;

beforeAll(async () => {
  server = await startKubeTestServer({
    scenarioDirs: [SCENARIOS_DIR],
    tokens: ['cluster-token'],
  });
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bluegreen-clusters-'));
  server.resetRequestCounts();
});

afterEach(async () => {
  await Promise.all(sources.splice(0).map(s => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('cluster access', () => {
  it('reads a serviceAccount cluster with its configured token', async () => {
    const cluster = readOne(
      configCluster({
        name: 'production',
        url: server.url,
        authProvider: 'serviceAccount',
        serviceAccountToken: 'cluster-token',
        skipTLSVerify: true,
      }),
    );
    expect(clusterConfigProblem(cluster)).toBeUndefined();
    const objects = await sourceFor(cluster).objectsIn('myapp');
    expect(objects.deployments.map(d => d.metadata?.name).sort()).toEqual([
      'myapp-v1',
      'myapp-v2',
    ]);
  });

  it('reports a refused token as such', async () => {
    const cluster = readOne(
      configCluster({
        name: 'production',
        url: server.url,
        authProvider: 'serviceAccount',
        serviceAccountToken: 'revoked',
        skipTLSVerify: true,
      }),
    );
    await expect(sourceFor(cluster).objectsIn('myapp')).rejects.toThrow(
      '401 Unauthorized',
    );
  });

  it('uses the in-cluster service account token when none is configured, re-read as Kubernetes rotates it', async () => {
    const tokenPath = join(dir, 'token');
    writeFileSync(tokenPath, 'expired-token\n');
    const cluster = readOne(
      configCluster({
        name: 'in-cluster',
        url: server.url,
        authProvider: 'serviceAccount',
        skipTLSVerify: true,
      }),
      { inClusterTokenPath: tokenPath },
    );
    expect(clusterConfigProblem(cluster)).toBeUndefined();
    const direct = sourceFor(cluster);
    await expect(direct.objectsIn('myapp')).rejects.toThrow('401');

    writeFileSync(tokenPath, 'cluster-token\n');
    expect((await direct.objectsIn('myapp')).pods.length).toBeGreaterThan(0);
    // The watch cache's lists and watches carry the same credential.
    const watched = sourceFor(cluster, true);
    const all = await watched.objectsIn();
    expect(all.virtualServices.map(vs => vs.metadata?.name)).toContain('myapp');
    expect(watched.isLive()).toBe(true);
  });

  it('says what to do when a serviceAccount cluster has no token and the backend runs outside a cluster, sending nothing', async () => {
    const logger = mockServices.logger.mock();
    const cluster = readOne(
      configCluster({
        name: 'lab',
        url: server.url,
        authProvider: 'serviceAccount',
        skipTLSVerify: true,
      }),
      { inClusterTokenPath: join(dir, 'absent') },
      logger,
    );
    const problem = clusterConfigProblem(cluster)!;
    expect(problem).toContain("cluster 'lab'");
    expect(problem).toContain('set serviceAccountToken');
    expect(logger.error).toHaveBeenCalledWith(problem);
    await expect(sourceFor(cluster, true).objectsIn('myapp')).rejects.toThrow(
      problem,
    );
    expect(requestsSeen(server)).toBe(0);
  });

  it.each([
    ['oidc', { oidcTokenProvider: 'okta' }],
    ['google', {}],
    ['aks', {}],
  ])(
    "refuses authProvider '%s', which needs the signed-in user's token, instead of reading anonymously",
    async (authProvider, extra) => {
      const logger = mockServices.logger.mock();
      const cluster = readOne(
        configCluster({
          name: 'shared',
          url: server.url,
          authProvider,
          skipTLSVerify: true,
          ...extra,
        }),
        {},
        logger,
      );
      const problem = clusterConfigProblem(cluster)!;
      expect(problem).toContain(`authProvider '${authProvider}'`);
      expect(problem).toContain('server-side authProvider');
      expect(logger.error).toHaveBeenCalledWith(problem);
      await expect(sourceFor(cluster).objectsIn('myapp')).rejects.toThrow(
        problem,
      );
      expect(requestsSeen(server)).toBe(0);
    },
  );

  it('refuses a cluster without authProvider, and one the Kubernetes plugin would call invalid', () => {
    expect(
      clusterConfigProblem(
        readOne(configCluster({ name: 'a', url: 'https://k8s.example.com' })),
      ),
    ).toContain('has no authProvider');
    expect(
      clusterConfigProblem(
        readOne(
          configCluster({
            name: 'b',
            url: 'https://k8s.example.com',
            authProvider: 'custom-sso',
          }),
        ),
      ),
    ).toContain("authProvider 'custom-sso'");
  });

  it('passes the Kubernetes plugin its authMetadata (aws role and external id) for the aws strategy', () => {
    const cluster = readOne(
      configCluster({
        name: 'eks',
        url: 'https://eks.example.com',
        authProvider: 'aws',
        assumeRole: 'arn:aws:iam::1:role/reader',
        externalId: 'x',
      }),
    );
    expect(clusterConfigProblem(cluster)).toBeUndefined();
    expect(cluster.authMetadata).toEqual({
      'kubernetes.io/auth-provider': 'aws',
      'kubernetes.io/aws-assume-role': 'arn:aws:iam::1:role/reader',
      'kubernetes.io/aws-external-id': 'x',
    });
  });

  it('says which locator types it cannot read instead of silently showing no clusters', () => {
    const logger = mockServices.logger.mock();
    expect(
      readClusterDetails(
        kubernetes([{ type: 'gke', projectId: 'p' }, { type: 'catalog' }]),
        logger,
      ),
    ).toEqual([]);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining("type 'gke'"),
    );
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining("type 'catalog'"),
    );
  });

  it('warns at start about a plain http:// cluster the client would refuse, naming the fix', () => {
    const logger = mockServices.logger.mock();
    const cluster = readOne(
      configCluster({
        name: 'lab',
        url: 'http://10.0.0.1:8080',
        authProvider: 'serviceAccount',
        serviceAccountToken: 't',
      }),
      {},
      logger,
    );
    expect(clusterConfigProblem(cluster)).toContain('skipTLSVerify: true');
    expect(logger.error).toHaveBeenCalledWith(clusterConfigProblem(cluster));
    expect(
      clusterConfigProblem({ ...cluster, skipTLSVerify: true }),
    ).toBeUndefined();
  });

  it('refuses two clusters with the same name', () => {
    const twice = (name: string, url: string) => ({
      type: 'config',
      clusters: [{ name, url, authProvider: 'serviceAccount' }],
    });
    expect(() =>
      readClusterDetails(
        kubernetes([twice('a', 'https://x'), twice('a', 'https://y')]),
        mockServices.logger.mock(),
      ),
    ).toThrow("names the cluster 'a' twice");
  });
});

const missingTools = missingKubectlTools();
(missingTools.length ? describe.skip : describe)(
  'a localKubectlProxy cluster, through a real kubectl proxy',
  () => {
    let tlsServer: KubeTestServer;
    let proxy: ChildProcess;
    let proxyUrl: string;

    beforeAll(async () => {
      const certDir = mkdtempSync(join(tmpdir(), 'bluegreen-proxy-'));
      tlsServer = await startKubeTestServer({
        scenarioDirs: [SCENARIOS_DIR],
        tokens: ['proxy-token'],
        tls: selfSignedCertificate(certDir),
      });
      rmSync(certDir, { recursive: true, force: true });
      proxy = spawn('kubectl', [
        'proxy',
        '--port=0',
        '--address=127.0.0.1',
        `--server=${tlsServer.url}`,
        '--token=proxy-token',
        '--insecure-skip-tls-verify',
      ]);
      proxyUrl = await new Promise<string>((resolve, reject) => {
        let out = '';
        proxy.stdout!.on('data', chunk => {
          out += chunk;
          const port = /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(out)?.[1];
          if (port) resolve(`http://127.0.0.1:${port}`);
        });
        proxy.on('exit', code => reject(new Error(`kubectl proxy exited ${code}`)));
      });
    });

    afterAll(async () => {
      proxy?.kill();
      await tlsServer?.close();
    });

    it('reads through the proxy, which holds the credentials', async () => {
      const cluster = readOne(kubernetes([{ type: 'localKubectlProxy' }]), {
        localKubectlProxyUrl: proxyUrl,
      });
      expect(cluster.name).toBe('local');
      expect(clusterConfigProblem(cluster)).toBeUndefined();
      const objects = await sourceFor(cluster).objectsIn('pii-demo');
      expect(objects.services.map(s => s.metadata?.name).sort()).toEqual([
        'httpd-server',
        'mysql-server',
      ]);
    });
  },
);
