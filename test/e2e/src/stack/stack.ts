import { OidcClient } from '@internal/oidc-provider';
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where the running stack can be reached; written by the global setup, read by the tests. */
export interface StackInfo {
  baseUrl: string;
  kubeUrl: string;
  kubeToken: string;
  /** The OpenID Connect provider the backend signs users in with. */
  oidcUrl: string;
  /**
   * The traffic simulator's control API (test/traffic-simulator), whose requests follow the test
   * server's live routes: tests make a colour fail through it, as scripts/demo-traffic.sh does.
   */
  trafficUrl: string;
  /** The Prometheus scraping the simulator, which the backend's rollout gates query. */
  prometheusUrl: string;
  outputDir: string;
}

// The tests run from source only, never bundled, so __dirname holds.
// eslint-disable-next-line no-restricted-syntax
export const REPO_ROOT = path.resolve(__dirname, '../../../..');
/** The backend's port; runs on different ports (E2E_BACKEND_PORT) can go on side by side. */
export const BACKEND_PORT = Number(process.env.E2E_BACKEND_PORT ?? 7017);
const STACK_FILE = path.join(
  os.tmpdir(),
  `bluegreen-e2e-stack-${BACKEND_PORT}.json`,
);

export function writeStackInfo(info: StackInfo) {
  fs.writeFileSync(STACK_FILE, JSON.stringify(info));
}

export function readStackInfo(): StackInfo {
  return JSON.parse(fs.readFileSync(STACK_FILE, 'utf8'));
}

/** The config that points the demo's backend at this run's test server and ports. */
export function e2eConfig(options: {
  port: number;
  kubeUrl: string;
  kubeToken: string;
  /** A static token the backend accepts from scripts (benchmarks), as service principal. */
  staticToken?: string;
  /** The OpenID Connect provider users sign in with (see {@link oidcClientFor}). */
  oidcMetadataUrl?: string;
  /** The Prometheus the rollout gates query, instead of app-config.yaml's demo one on :9090. */
  prometheusUrl?: string;
}): string {
  const base = `http://localhost:${options.port}`;
  return JSON.stringify({
    app: { baseUrl: base },
    backend: {
      baseUrl: base,
      listen: { port: options.port },
      cors: { origin: base },
      ...(options.staticToken && {
        auth: {
          externalAccess: [
            {
              type: 'static',
              options: { token: options.staticToken, subject: 'bench' },
            },
          ],
        },
      }),
    },
    ...(options.oidcMetadataUrl && {
      auth: {
        providers: {
          oidc: { development: { metadataUrl: options.oidcMetadataUrl } },
        },
      },
    }),
    ...(options.prometheusUrl && {
      bluegreen: {
        prometheus: { baseUrl: options.prometheusUrl },
        // A due step is acted on within a second, so a 10 s rollout interval stays about 10 s.
        rollouts: { tickSeconds: 1 },
      },
    }),
    kubernetes: {
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            {
              name: 'demo',
              url: options.kubeUrl,
              authProvider: 'serviceAccount',
              serviceAccountToken: options.kubeToken,
              skipTLSVerify: true,
              skipMetricsLookup: true,
            },
          ],
        },
      ],
    },
  });
}

/**
 * The OpenID Connect client the backend on `port` is, as app-config.yaml configures it (client
 * id and secret) with this port's callback.
 */
export function oidcClientFor(port: number): OidcClient {
  return {
    clientId: 'backstage',
    clientSecret: 'demo-client-secret',
    redirectUris: [`http://localhost:${port}/api/auth/oidc/handler/frame`],
  };
}

/**
 * Starts packages/backend as the demo does, with an extra config file on top of app-config.yaml.
 * The backend also serves the built frontend (packages/app/dist) through the app plugin.
 */
export function startBackend(
  configFile: string,
  logFile: string,
): ChildProcess {
  const log = fs.openSync(logFile, 'w');
  return spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      'src/index.ts',
      '--config',
      path.join(REPO_ROOT, 'app-config.yaml'),
      '--config',
      configFile,
    ],
    {
      cwd: path.join(REPO_ROOT, 'packages/backend'),
      env: { ...process.env, NODE_ENV: 'development' },
      stdio: ['ignore', log, log],
      detached: true,
    },
  );
}

export async function waitForHttp(
  url: string,
  timeoutMs: number,
  isReady: (status: number) => boolean = s => s === 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (isReady(res.status)) {
        return;
      }
      last = `status ${res.status}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`${url} was not ready within ${timeoutMs} ms (${last})`);
}
