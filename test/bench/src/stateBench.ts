/*
 * Benchmark of the blue/green state endpoint against the Kubernetes backend's objects-by-entity
 * endpoint, for the same entity, on the same backend, against the same Kubernetes API test server
 * seeded with the demo scenarios plus N generated blue/green services. The floor is an
 * authenticated request that does no work (`GET /api/bluegreen/health`).
 *
 *   yarn bench:state                 1,000 services, 10 s per endpoint
 *   yarn bench:state --smoke         50 services, 2 s per endpoint (what CI runs)
 *   options: --services N --duration S --concurrency C --entity component:default/pii-demo
 */
import {
  SCENARIOS_DIR,
  generateBlueGreenServices,
  startKubeTestServer,
} from '@internal/kube-test-server';
import { e2eConfig, startBackend, waitForHttp } from '@internal/e2e';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LoadResult, runLoad } from './load';

function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const smoke = process.argv.includes('--smoke');
const services = Number(argument('services', smoke ? '50' : '1000'));
const durationMs = Number(argument('duration', smoke ? '2' : '10')) * 1000;
const concurrency = Number(argument('concurrency', '8'));
const entityRef = argument('entity', 'component:default/pii-demo');
const port = Number(argument('port', '7027'));

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

function row(name: string, r: LoadResult, clusterRequests?: number) {
  return `${name.padEnd(34)} ${r.p50Ms.toFixed(2).padStart(8)} ${r.p99Ms
    .toFixed(2)
    .padStart(8)} ${r.rps.toFixed(0).padStart(8)} ${String(r.errors).padStart(6)} ${
    clusterRequests === undefined ? '' : clusterRequests.toFixed(3).padStart(10)
  }`;
}

async function main() {
  const kube = await startKubeTestServer({
    port: 0,
    control: true,
    scenarioDirs: [SCENARIOS_DIR],
    objects: generateBlueGreenServices(services, {
      namespaces: Math.max(1, Math.ceil(services / 50)),
    }),
  });
  const staticToken = randomBytes(24).toString('hex');
  const configFile = path.join(os.tmpdir(), `bluegreen-bench-${port}.json`);
  fs.writeFileSync(
    configFile,
    e2eConfig({ port, kubeUrl: kube.url, kubeToken: kube.token, staticToken }),
  );
  const logFile = path.join(os.tmpdir(), `bluegreen-bench-${port}.log`);
  const backend = startBackend(configFile, logFile);
  const stop = async () => {
    try {
      process.kill(-backend.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    await kube.close();
  };

  try {
    const base = `http://localhost:${port}`;
    await waitForHttp(`${base}/.backstage/health/v1/readiness`, 180_000);
    const headers = {
      authorization: `Bearer ${staticToken}`,
      'content-type': 'application/json',
    };
    const get = (p: string) => () => fetch(`${base}${p}`, { headers });

    // The catalog ingests the demo entities shortly after start.
    const [kind, rest] = entityRef.split(':');
    const [namespace, name] = rest.split('/');
    const entityUrl = `${base}/api/catalog/entities/by-name/${kind}/${namespace}/${name}`;
    let entityRes = await fetch(entityUrl, { headers });
    for (let tries = 0; entityRes.status === 404 && tries < 120; tries++) {
      await new Promise(r => setTimeout(r, 500));
      entityRes = await fetch(entityUrl, { headers });
    }
    if (!entityRes.ok) {
      throw new Error(
        `catalog lookup of ${entityRef}: ${entityRes.status} ${await entityRes.text()}`,
      );
    }
    const entity = await entityRes.json();

    const statePath = `/api/bluegreen/state?entityRef=${encodeURIComponent(entityRef)}`;
    const first = await get(statePath)();
    if (!first.ok) {
      throw new Error(`state endpoint: ${first.status} ${await first.text()}`);
    }
    const kubernetesBody = JSON.stringify({ entity });
    const kubernetes = () =>
      fetch(`${base}/api/kubernetes/services/${encodeURIComponent(name)}`, {
        method: 'POST',
        headers,
        body: kubernetesBody,
      });
    const probe = await kubernetes();
    if (!probe.ok) {
      throw new Error(`kubernetes endpoint: ${probe.status} ${await probe.text()}`);
    }

    const load = (send: () => Promise<Response>) =>
      runLoad({ send, concurrency, durationMs, warmupMs: smoke ? 500 : 2000 });
    const countRequests = () =>
      Object.values(kube.requestCounts()).reduce((a, b) => a + b, 0);

    const floor = await load(get('/api/bluegreen/health'));
    kube.resetRequestCounts();
    const ours = await load(get(statePath));
    const oursClusterRequests = countRequests();
    kube.resetRequestCounts();
    const theirs = await load(kubernetes);
    const theirsClusterRequests = countRequests();
    const memory = rssMb(backend.pid!);

    // Warm-up requests are not in `requests` but did reach the cluster: divide by every request.
    const perRequest = (cluster: number, r: LoadResult) =>
      cluster / Math.max(1, r.requests);

    console.log(
      `\nState benchmark: ${services} generated services + demo scenarios, entity ${entityRef}, ${concurrency} concurrent clients, ${durationMs / 1000} s each`,
    );
    console.log(
      `${'endpoint'.padEnd(34)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'req/s'.padStart(8)} ${'errors'.padStart(6)} ${'cluster req/req'.padStart(10)}`,
    );
    console.log(row('floor (authenticated no-op)', floor));
    console.log(row('bluegreen state', ours, perRequest(oursClusterRequests, ours)));
    console.log(
      row('kubernetes objects-by-entity', theirs, perRequest(theirsClusterRequests, theirs)),
    );
    console.log(
      `p50 ratio bluegreen/kubernetes: ${(ours.p50Ms / theirs.p50Ms).toFixed(3)} (target <= 0.1); bluegreen/floor: ${(
        ours.p50Ms / floor.p50Ms
      ).toFixed(2)} (target <= 2)`,
    );
    console.log(`backend memory (RSS): ${memory} MB`);
    if (ours.errors + theirs.errors + floor.errors > 0) {
      throw new Error('some benchmark requests failed: see the errors column');
    }
  } catch (e) {
    console.error(`benchmark failed: ${(e as Error).message}\nbackend log: ${logFile}`);
    process.exitCode = 1;
  } finally {
    await stop();
  }
}

main();
