import { SCENARIOS_DIR, startKubeTestServer } from '@internal/kube-test-server';
import { startOidcProvider } from '@internal/oidc-provider';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BACKEND_PORT,
  REPO_ROOT,
  e2eConfig,
  oidcClientFor,
  startBackend,
  waitForHttp,
  writeStackInfo,
} from './stack';

export default async function globalSetup() {
  const outputDir = path.join(REPO_ROOT, 'test-results', 'e2e');
  fs.mkdirSync(outputDir, { recursive: true });
  if (!fs.existsSync(path.join(REPO_ROOT, 'packages/app/dist/index.html'))) {
    throw new Error(
      'packages/app/dist is missing: build the frontend first (yarn workspace app build), as scripts/test.sh does',
    );
  }

  const kube = await startKubeTestServer({
    port: 0,
    control: true,
    scenarioDirs: [SCENARIOS_DIR],
  });
  // Before the backend: its OpenID Connect client discovers the provider when it starts.
  const oidc = await startOidcProvider({
    clients: [oidcClientFor(BACKEND_PORT)],
  });
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
    }),
  );
  const backend = startBackend(configFile, path.join(outputDir, 'backend.log'));
  (globalThis as any).__e2eStack = { kube, oidc, backend };

  const baseUrl = `http://localhost:${BACKEND_PORT}`;
  await waitForHttp(`${baseUrl}/.backstage/health/v1/readiness`, 180_000);
  writeStackInfo({
    baseUrl,
    kubeUrl: kube.url,
    kubeToken: kube.token,
    oidcUrl: oidc.url,
    outputDir,
  });
}
