/*
 * Benchmark of the blue/green state endpoint, on the demo backend against the Kubernetes API test
 * server seeded with the demo scenarios plus N generated blue/green services, with users signed in
 * through the demo OpenID Connect provider (so every request pays for a real permission decision).
 *
 * For each size it starts the same backend twice on the same catalog and cluster, with
 * `bluegreen.watchCache` off and on, and prints:
 * - the RSS growth the watch cache causes (on minus off, each after a full garbage collection
 *   once it answers the state) and the cache's own size as the plugin logs it (objects, bytes as
 *   JSON);
 * - the time from backend start to a live cache;
 * - under C concurrent clients: the floor (`/api/bluegreen/health/authorized`, an authenticated
 *   and authorized no-op that makes the same permission check as `/state`) and `/state`, in
 *   alternating one-second turns so that load from elsewhere on the machine weighs on both alike,
 *   then at the first size the Kubernetes backend's objects-by-entity endpoint for the same
 *   entity: p50/p99, req/s, cluster requests per request, and the ratios to the floor;
 * - across sizes, state p50 at the largest size over p50 at the smallest.
 *
 *   yarn bench:state                 1,000 and 10,000 services, 50 clients, 10 s per endpoint
 *   yarn bench:state --smoke         50 services, 50 clients, 2 s per endpoint (what CI runs)
 *   options: --services 1000,10000 --duration S --concurrency C --entity component:default/pii-demo
 *            --cpu-prof DIR (CPU profiles of the watch-cache backend, written when it stops)
 */
import {
  KubeTestServer,
  SCENARIOS_DIR,
  generateBlueGreenServices,
  startKubeTestServer,
} from '@internal/kube-test-server';
import { signInToBackstage, startOidcProvider } from '@internal/oidc-provider';
import {
  e2eConfig,
  oidcClientFor,
  startBackend,
  waitForHttp,
} from '@internal/e2e';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemoryAfterGc, inspectorUrl, memoryAfterGc } from './inspector';
import { LoadResult, runInterleaved, runLoad } from './load';
import { argument, smoke } from './cli';

const sizes = argument('services', smoke ? '50' : '1000,10000')
  .split(',')
  .map(Number);
const durationMs = Number(argument('duration', smoke ? '2' : '10')) * 1000;
const warmupMs = smoke ? 500 : 2000;
/** Time for the catalog's and the plugins' start-up work to settle before memory is read. */
const settleMs = smoke ? 500 : 2000;
const concurrency = Number(argument('concurrency', '50'));
const entityRef = argument('entity', 'component:default/pii-demo');
const port = Number(argument('port', '7027'));
const cpuProfileDir = argument('cpu-prof', '');
/** Readers of examples/org.yaml the clients sign in as, round robin. */
const USERS = ['alice', 'bob', 'carol', 'paul', 'vera'];
/** Goals of issue 14. */
const MAX_STATE_TO_FLOOR = 1.5;
const MAX_GROWTH_MB_PER_1000 = 100;
const MAX_P50_LARGEST_TO_SMALLEST = 1.2;

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function row(name: string, r: LoadResult, clusterRequests?: number) {
  return `${name.padEnd(36)} ${r.p50Ms.toFixed(2).padStart(8)} ${r.p99Ms
    .toFixed(2)
    .padStart(8)} ${r.rps.toFixed(0).padStart(8)} ${String(r.errors).padStart(
    6,
  )} ${
    clusterRequests === undefined ? '' : clusterRequests.toFixed(3).padStart(10)
  }`;
}

/** Retries `read` until it returns a value, for what the backend does shortly after start. */
async function eventually<T>(
  what: string,
  read: () => Promise<T | undefined>,
  timeoutMs = 180_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await read();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    await sleep(200);
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms (${last})`);
}

interface RunningBackend {
  base: string;
  pid: number;
  /** The backend's memory after a full garbage collection. */
  memory(): Promise<MemoryAfterGc>;
  logFile: string;
  startedAt: number;
  tokens: string[];
  stop(): Promise<void>;
}

async function startBenchBackend(
  kube: KubeTestServer,
  oidcMetadataUrl: string,
  watchCache: boolean,
): Promise<RunningBackend> {
  const config = JSON.parse(
    e2eConfig({
      port,
      kubeUrl: kube.url,
      kubeToken: kube.token,
      oidcMetadataUrl,
    }),
  );
  config.bluegreen = { watchCache };
  const name = `bluegreen-bench-${port}-${watchCache ? 'cache' : 'direct'}`;
  const configFile = path.join(os.tmpdir(), `${name}.json`);
  fs.writeFileSync(configFile, JSON.stringify(config));
  const logFile = path.join(os.tmpdir(), `${name}.log`);
  // startBackend passes this process's environment on. The inspector (on loopback, a free
  // port) lets the benchmark run a full garbage collection before it reads memory.
  const nodeOptions = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = `${nodeOptions ?? ''} --inspect=127.0.0.1:0${
    cpuProfileDir && watchCache
      ? ` --cpu-prof --cpu-prof-dir=${path.resolve(cpuProfileDir)}`
      : ''
  }`;
  const startedAt = performance.now();
  const child = startBackend(configFile, logFile);
  if (nodeOptions === undefined) {
    delete process.env.NODE_OPTIONS;
  } else {
    process.env.NODE_OPTIONS = nodeOptions;
  }
  const exited = new Promise(resolve => child.once('exit', resolve));
  const stop = async () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    await Promise.race([exited, sleep(15_000)]);
  };
  try {
    const base = `http://localhost:${port}`;
    await waitForHttp(`${base}/.backstage/health/v1/readiness`, 180_000);
    // Sign-in resolves users in the catalog, which ingests examples/org.yaml shortly after start.
    const tokens = await Promise.all(
      USERS.map(username =>
        eventually(
          `signing in ${username}`,
          async () =>
            (
              await signInToBackstage({ backendUrl: base, username })
            ).token,
        ),
      ),
    );
    const inspector = inspectorUrl(logFile);
    if (!inspector) {
      throw new Error(
        `the backend logged no inspector address: see ${logFile}`,
      );
    }
    return {
      base,
      pid: child.pid!,
      memory: () => memoryAfterGc(inspector),
      logFile,
      startedAt,
      tokens,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The state answer as soon as the catalog has the entity; with `live`, once it has an ETag. */
async function firstState(backend: RunningBackend, live: boolean) {
  const url = `${
    backend.base
  }/api/bluegreen/state?entityRef=${encodeURIComponent(entityRef)}`;
  return eventually(
    `a ${live ? 'live ' : ''}state of ${entityRef}`,
    async () => {
      const res = await fetch(url, {
        headers: { authorization: `Bearer ${backend.tokens[0]}` },
      });
      const body = await res.text();
      if (res.status === 404) return undefined;
      if (!res.ok) throw new Error(`state endpoint: ${res.status} ${body}`);
      return !live || res.headers.get('etag') ? body : undefined;
    },
  );
}

/** The plugin's own line about its cache, logged when every informer of a cluster is live. */
function cacheLine(logFile: string): string | undefined {
  const log = fs.readFileSync(logFile, 'utf8');
  const lines = log
    .split('\n')
    .filter(l => l.includes('Watch cache of cluster'));
  return lines.at(-1)?.replace(/^.*(Watch cache of cluster)/, '$1');
}

interface SizeResult {
  services: number;
  growthMb: number;
  state: LoadResult;
  floor: LoadResult;
}

async function benchSize(
  services: number,
  first: boolean,
  oidcMetadataUrl: string,
): Promise<SizeResult> {
  const kube = await startKubeTestServer({
    port: 0,
    control: true,
    scenarioDirs: [SCENARIOS_DIR],
    objects: generateBlueGreenServices(services, {
      namespaces: Math.max(1, Math.ceil(services / 50)),
    }),
  });
  try {
    const direct = await startBenchBackend(kube, oidcMetadataUrl, false);
    let memoryDirect: MemoryAfterGc;
    try {
      await firstState(direct, false);
      await sleep(settleMs);
      memoryDirect = await direct.memory();
    } finally {
      await direct.stop();
    }

    const cached = await startBenchBackend(kube, oidcMetadataUrl, true);
    try {
      const readyMs = performance.now() - cached.startedAt;
      await firstState(cached, true);
      const liveMs = performance.now() - cached.startedAt;
      await sleep(settleMs);
      const memoryCached = await cached.memory();

      let next = 0;
      const headers = () => ({
        authorization: `Bearer ${cached.tokens[next++ % cached.tokens.length]}`,
        'content-type': 'application/json',
      });
      const query = `entityRef=${encodeURIComponent(entityRef)}`;
      const get = (p: string) => () =>
        fetch(`${cached.base}${p}`, { headers: headers() });
      const load = (send: () => Promise<Response>) =>
        runLoad({ send, concurrency, durationMs, warmupMs });
      const countRequests = () =>
        Object.values(kube.requestCounts()).reduce((a, b) => a + b, 0);
      // Warm-up requests are not in `requests` but did reach the cluster: divide by every request.
      const perRequest = (cluster: number, r: LoadResult) =>
        cluster / Math.max(1, r.requests);

      // The floor makes no cluster request: what the cluster counts meanwhile is the state's.
      kube.resetRequestCounts();
      const [floor, state] = await runInterleaved({
        sends: [
          get(`/api/bluegreen/health/authorized?${query}`),
          get(`/api/bluegreen/state?${query}`),
        ],
        concurrency,
        durationMs,
        sliceMs: smoke ? 500 : 1000,
        warmupMs,
      });
      const stateClusterRequests = countRequests();
      let kubernetes: LoadResult | undefined;
      let kubernetesClusterRequests = 0;
      if (first) {
        const [kind, rest] = entityRef.split(':');
        const [namespace, name] = rest.split('/');
        const entity = await (
          await fetch(
            `${cached.base}/api/catalog/entities/by-name/${kind}/${namespace}/${name}`,
            { headers: headers() },
          )
        ).json();
        const body = JSON.stringify({ entity });
        kube.resetRequestCounts();
        kubernetes = await load(() =>
          fetch(
            `${cached.base}/api/kubernetes/services/${encodeURIComponent(
              name,
            )}`,
            { method: 'POST', headers: headers(), body },
          ),
        );
        kubernetesClusterRequests = countRequests();
      }
      const rssAfter = rssMb(cached.pid);

      const growthMb = memoryCached.rssMb - memoryDirect.rssMb;
      console.log(
        `\n${services} generated services + demo scenarios, entity ${entityRef}, ${concurrency} concurrent clients signed in as ${USERS.join(
          ', ',
        )}, ${durationMs / 1000} s each`,
      );
      console.log(
        `${'endpoint'.padEnd(36)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(
          8,
        )} ${'req/s'.padStart(8)} ${'errors'.padStart(
          6,
        )} ${'cluster req/req'.padStart(10)}`,
      );
      console.log(row('floor (authenticated, authorized)', floor));
      console.log(
        row('bluegreen state', state, perRequest(stateClusterRequests, state)),
      );
      if (kubernetes) {
        console.log(
          row(
            'kubernetes objects-by-entity',
            kubernetes,
            perRequest(kubernetesClusterRequests, kubernetes),
          ),
        );
      }
      console.log(
        `state/floor at ${concurrency} clients: p50 ${(
          state.p50Ms / floor.p50Ms
        ).toFixed(2)} (goal <= ${MAX_STATE_TO_FLOOR}), throughput ${(
          floor.rps / state.rps
        ).toFixed(2)}${
          kubernetes
            ? `; p50 bluegreen/kubernetes ${(
                state.p50Ms / kubernetes.p50Ms
              ).toFixed(3)}`
            : ''
        }`,
      );
      console.log(
        `backend RSS after a full GC: ${
          memoryDirect.rssMb
        } MB with watchCache off, ${
          memoryCached.rssMb
        } MB on: growth ${growthMb} MB (${(
          (growthMb * 1000) /
          services
        ).toFixed(
          1,
        )} MB per 1,000 services, goal < ${MAX_GROWTH_MB_PER_1000}); JS heap ${
          memoryDirect.heapUsedMb
        } → ${memoryCached.heapUsedMb} MB (${
          memoryCached.heapUsedMb - memoryDirect.heapUsedMb
        } MB); RSS ${rssAfter} MB after the load`,
      );
      console.log(
        cacheLine(cached.logFile) ?? 'the plugin logged no cache size',
      );
      console.log(
        `backend start → ready ${seconds(readyMs)}, → live cache ${seconds(
          liveMs,
        )} (first state request after catalog ingestion and sign-in)`,
      );
      const errors = floor.errors + state.errors + (kubernetes?.errors ?? 0);
      if (errors > 0) {
        throw new Error(
          `${errors} benchmark requests failed: see the errors column; backend log: ${cached.logFile}`,
        );
      }
      return { services, growthMb, state, floor };
    } finally {
      await cached.stop();
    }
  } finally {
    await kube.close();
  }
}

async function main() {
  const oidc = await startOidcProvider({ clients: [oidcClientFor(port)] });
  try {
    const results: SizeResult[] = [];
    for (const [i, services] of sizes.entries()) {
      results.push(await benchSize(services, i === 0, oidc.metadataUrl));
    }
    if (results.length > 1) {
      const smallest = results[0];
      const largest = results[results.length - 1];
      console.log(
        `\nstate p50 at ${largest.services} services / at ${
          smallest.services
        }: ${(largest.state.p50Ms / smallest.state.p50Ms).toFixed(
          2,
        )} (goal <= ${MAX_P50_LARGEST_TO_SMALLEST})`,
      );
    }
  } catch (e) {
    console.error(`benchmark failed: ${(e as Error).message}`);
    process.exitCode = 1;
  } finally {
    await oidc.close();
  }
}

main();
