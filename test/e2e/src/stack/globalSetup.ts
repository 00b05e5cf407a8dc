import { SCENARIOS_DIR, startKubeTestServer } from '@internal/kube-test-server';
import { startOidcProvider } from '@internal/oidc-provider';
import {
  startPrometheus,
  startTrafficSimulator,
} from '@internal/traffic-simulator';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import globalTeardown, { RunningStack } from './globalTeardown';
import {
  BACKEND_PORT,
  REPO_ROOT,
  e2eConfig,
  oidcClientFor,
  startBackend,
  waitForHttp,
  writeStackInfo,
} from './stack';

async function startStack(stack: RunningStack, outputDir: string) {
  const kube = await startKubeTestServer({
    port: 0,
    control: true,
    scenarioDirs: [SCENARIOS_DIR],
  });
  stack.kube = kube;
  // Before the backend: its OpenID Connect client discovers the provider when it starts.
  const oidc = await startOidcProvider({
    clients: [oidcClientFor(BACKEND_PORT)],
  });
  stack.oidc = oidc;
  // Mesh traffic that follows the test server's routes, and the Prometheus the rollout gates
  // read, both on free ports: a demo running beside the suite keeps its :9464 and :9090.
  const traffic = await startTrafficSimulator({
    kubernetes: { url: kube.url, token: kube.token, skipTlsVerify: true },
    requestsPerSecond: 50,
    tickMs: 500,
  });
  stack.traffic = traffic;
  const prometheus = await startPrometheus({ targets: [traffic.target] });
  stack.prometheus = prometheus;
  const configFile = path.join(
    os.tmpdir(),
    `bluegreen-e2e-config-${BACKEND_PORT}.json`,
  );
  fs.writeFileSync(
    configFile,
    e2eConfig({
      port: BACKEND_PORT,
      kubeUrl: kube.url,
      kubeToken: kube.token,
      oidcMetadataUrl: oidc.metadataUrl,
      prometheusUrl: prometheus.url,
    }),
  );
  stack.backend = startBackend(
    configFile,
    path.join(outputDir, 'backend.log'),
  );

  const baseUrl = `http://localhost:${BACKEND_PORT}`;
  await waitForHttp(`${baseUrl}/.backstage/health/v1/readiness`, 180_000);
  writeStackInfo({
    baseUrl,
    kubeUrl: kube.url,
    kubeToken: kube.token,
    oidcUrl: oidc.url,
    trafficUrl: traffic.url,
    prometheusUrl: prometheus.url,
    outputDir,
  });
}

export default async function globalSetup() {
  const outputDir = path.join(REPO_ROOT, 'test-results', 'e2e');
  fs.mkdirSync(outputDir, { recursive: true });
  if (!fs.existsSync(path.join(REPO_ROOT, 'packages/app/dist/index.html'))) {
    throw new Error(
      'packages/app/dist is missing: build the frontend first (yarn workspace app build), as scripts/test.sh does',
    );
  }
  const stack: RunningStack = {};
  (globalThis as any).__e2eStack = stack;
  try {
    await startStack(stack, outputDir);
  } catch (error) {
    // Jest runs no global teardown after a failed setup: stop here what already runs, or a
    // Prometheus and a backend would outlive the run and hold their ports.
    await globalTeardown();
    throw error;
  }
}
