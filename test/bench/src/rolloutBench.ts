/*
 * Benchmark of progressive rollouts: N concurrent rollouts on one backend (the blue/green plugin
 * as Backstage runs it, in this process) against the Kubernetes API test server seeded with N
 * generated blue/green services, a real Prometheus scraping the traffic simulator every second
 * (the test server and the simulator each in a process of their own):
 *
 * - scheduler tick duration p50/p95 over the ticks that had rollouts to evaluate (the plugin's
 *   rollout task, run by this script as the scheduler would);
 * - Prometheus queries per tick, counted by Prometheus itself, and per rollout per interval;
 * - step-apply latency: approve → first step written and verified, and tick start → step
 *   recorded for the steps the engine applies.
 *
 *   yarn bench:rollouts              100 rollouts of 4 steps (10, 30, 50, 100), 4 s intervals
 *   yarn bench:rollouts --smoke      10 rollouts of 2 steps (what CI runs, < 60 s)
 *   --postgres                       the plugin's database on PostgreSQL instead of SQLite
 *
 * Goals printed beside the numbers: a tick over 100 rollouts under 1 s, one query per gate per
 * rollout per interval.
 */
import {
  coreServices,
  createServiceFactory,
  SchedulerServiceTaskFunction,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Cutover } from '@bluegreen-istio/plugin-bluegreen-common';
import bluegreenPlugin from '@bluegreen-istio/plugin-bluegreen-backend';
import {
  generateBlueGreenServices,
  KubeObject,
} from '@internal/kube-test-server';
import { startPrometheus } from '@internal/traffic-simulator';
import knexFactory from 'knex';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argument, percentile, smoke } from './cli';

const rolloutCount = Number(argument('rollouts', smoke ? '10' : '100'));
const steps = argument('steps', smoke ? '50,100' : '10,30,50,100')
  .split(',')
  .map(Number);
const intervalSeconds = Number(argument('interval', '4'));
const TASK = 'bluegreen-rollouts';

const ms = (value: number) => `${value.toFixed(0)} ms`;
const sleep = (t: number) => new Promise(resolve => setTimeout(resolve, t));

/** The plugin's scheduled tasks, kept to be run by this script, as the scheduler would. */
function benchScheduler() {
  const tasks = new Map<string, SchedulerServiceTaskFunction>();
  let running: Promise<void> | undefined;
  const run = async (id: string) => {
    if (running) return running;
    running = (async () => {
      await tasks.get(id)?.(new AbortController().signal);
    })().finally(() => (running = undefined));
    return running;
  };
  const factory = createServiceFactory({
    service: coreServices.scheduler,
    deps: {},
    factory: () => ({
      async scheduleTask(task) {
        tasks.set(task.id, task.fn as SchedulerServiceTaskFunction);
      },
      // The engine asks for a tick after a person's request; this script ticks by itself.
      async triggerTask() {},
      createScheduledTaskRunner: () => {
        throw new Error('not used by the blue/green plugin');
      },
      async getScheduledTasks() {
        return [];
      },
      async cancelTask() {},
    }),
  });
  return { factory, run };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise(resolve => probe.close(resolve));
  return port;
}

/**
 * The test server in its own process, as a cluster's API server is: in this one it would take
 * the backend's CPU for the API server's work and make the ticks look slower than they are.
 */
async function startKubeTestServerProcess(objects: KubeObject[]) {
  const dir = mkdtempSync(join(tmpdir(), 'rollout-bench-'));
  // JSON documents are YAML documents.
  writeFileSync(
    join(dir, 'services.yaml'),
    objects.map(o => JSON.stringify(o)).join('\n---\n'),
  );
  const port = await freePort();
  const token = 'bench-token';
  const child = spawn(
    'yarn',
    [
      'workspace',
      '@internal/kube-test-server',
      'start',
      '--port',
      String(port),
      '--scenarios',
      dir,
      '--token',
      token,
    ],
    { stdio: 'ignore', detached: true },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/healthz`, 'the Kubernetes API test server');
  return {
    url,
    token,
    async close() {
      process.kill(-child.pid!, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The traffic simulator in its own process too, as Istio's proxies are: in this one, recording
 * 4,000 requests a second and serving Prometheus' scrapes would weigh on the ticks.
 */
async function startTrafficSimulatorProcess(kube: {
  url: string;
  token: string;
}) {
  const port = await freePort();
  const child = spawn(
    'yarn',
    [
      'workspace',
      '@internal/traffic-simulator',
      'start',
      '--port',
      String(port),
      '--kube-url',
      kube.url,
      '--token',
      kube.token,
      // Enough requests at the first step (10%) for the minimum count over one interval.
      '--requests-per-second',
      '40',
    ],
    { stdio: 'ignore', detached: true },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/traffic`, 'the traffic simulator');
  return {
    target: `127.0.0.1:${port}`,
    async close() {
      process.kill(-child.pid!, 'SIGTERM');
    },
  };
}

async function waitFor(url: string, what: string) {
  const deadline = Date.now() + 60_000;
  while (
    !(await fetch(url).then(
      r => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > deadline) {
      throw new Error(`${what} did not start on ${url}`);
    }
    await sleep(200);
  }
}

/**
 * With --postgres, the plugin's database is a fresh one on the PostgreSQL of
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (scripts/postgres.sh), as replicas share
 * it in production; otherwise SQLite in memory.
 */
async function pluginDatabase() {
  if (!process.argv.includes('--postgres')) return undefined;
  const url = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (!url) {
    throw new Error(
      '--postgres needs BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING: source scripts/postgres.sh',
    );
  }
  const name = `rollout_bench_${randomBytes(4).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: url });
  await admin.raw('CREATE DATABASE ??', [name]);
  const knex = knexFactory({
    client: 'pg',
    connection: url.replace(/\/[^/]*$/, `/${name}`),
  });
  return {
    knex,
    async drop() {
      await knex.destroy();
      await admin.raw('DROP DATABASE ??', [name]);
      await admin.destroy();
    },
  };
}

async function main() {
  const namespaces = Array.from(
    { length: rolloutCount },
    (_, i) => `bench-${i + 1}`,
  );
  const objects = generateBlueGreenServices(rolloutCount, {
    namespace: 'bench',
    namespaces: rolloutCount,
  });
  // Every service starts at blue 100% (the generator cycles through splits), so every rollout
  // is the same work: green from 0 to 100.
  for (const object of objects) {
    if (object.kind === 'VirtualService') {
      const [blue, green] = (object as any).spec.http[0].route;
      blue.weight = 100;
      green.weight = 0;
    }
  }
  const kube = await startKubeTestServerProcess(objects);
  const traffic = await startTrafficSimulatorProcess(kube);
  const prometheus = await startPrometheus({ targets: [traffic.target] });
  const queryCount = async () => {
    const text = await (await fetch(`${prometheus.url}/metrics`)).text();
    const line = text
      .split('\n')
      .find(
        l =>
          l.startsWith('prometheus_http_requests_total{') &&
          l.includes('handler="/api/v1/query"'),
      );
    return line ? Number(line.split(' ').pop()) : 0;
  };

  // Service i of the generator is svc-<i> in bench-<i>.
  const width = String(rolloutCount).length;
  const services = namespaces.map((namespace, i) => ({
    namespace,
    name: `svc-${String(i + 1).padStart(width, '0')}`,
  }));
  const entities = services.map(s => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: s.name,
      namespace: 'default',
      annotations: {
        'bluegreen/istio-hosts': `${s.name}.bench.example.com`,
        'backstage.io/kubernetes-namespace': s.namespace,
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'web-team' },
  }));

  const scheduler = benchScheduler();
  const database = await pluginDatabase();
  const backend = await startTestBackend({
    features: [
      ...(database
        ? [mockServices.database.factory({ knex: database.knex })]
        : []),
      bluegreenPlugin,
      scheduler.factory,
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({
        data: {
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  {
                    name: 'bench',
                    url: kube.url,
                    authProvider: 'serviceAccount',
                    serviceAccountToken: kube.token,
                    skipTLSVerify: true,
                  },
                ],
              },
            ],
          },
          bluegreen: {
            rollouts: { minIntervalSeconds: 1 },
            prometheus: { baseUrl: prometheus.url, timeoutSeconds: 5 },
          },
        },
      }),
    ],
  });
  const { port } = (backend.server as any).address() as AddressInfo;
  const call = async (
    user: string,
    method: string,
    path: string,
    body?: object,
  ) => {
    const res = await fetch(`http://127.0.0.1:${port}/api/bluegreen${path}`, {
      method,
      headers: {
        authorization: mockCredentials.user.header(`user:default/${user}`),
        'content-type': 'application/json',
      },
      body: body && JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) {
      throw new Error(
        `${method} ${path}: ${res.status} ${JSON.stringify(json)}`,
      );
    }
    return json as Cutover;
  };

  try {
    // Scrapes over a whole interval before the first evaluation.
    await sleep((intervalSeconds + 1) * 1000);

    // Requested by alice, approved by bob, ten at a time; each approve applies the first step.
    const approveMs: number[] = [];
    const ids: string[] = [];
    for (let i = 0; i < services.length; i += 10) {
      await Promise.all(
        services.slice(i, i + 10).map(async s => {
          const requested = await call('alice', 'POST', '/cutovers', {
            entityRef: `component:default/${s.name}`,
            action: {
              action: 'progressive',
              colour: 'green',
              steps,
              intervalSeconds,
            },
            reason: 'benchmark',
          });
          const started = performance.now();
          const approved = await call(
            'bob',
            'POST',
            `/cutovers/${requested.id}/approve`,
          );
          approveMs.push(performance.now() - started);
          if (approved.status !== 'progressing') {
            throw new Error(
              `${s.name}: approved rollout is ${approved.status}: ${approved.outcome?.message}`,
            );
          }
          ids.push(requested.id);
        }),
      );
    }

    // Every rollout due at once: the first tick starts once the last one's interval passed.
    await sleep(intervalSeconds * 1000 + 200);
    const ticks: Array<{ ms: number; queries: number; started: number }> = [];
    const deadline = Date.now() + (steps.length * intervalSeconds + 60) * 1000;
    let running = ids.length;
    while (running > 0 && Date.now() < deadline) {
      const queriesBefore = await queryCount();
      const started = Date.now();
      const t0 = performance.now();
      await scheduler.run(TASK);
      const elapsed = performance.now() - t0;
      const queries = (await queryCount()) - queriesBefore;
      if (queries > 0) ticks.push({ ms: elapsed, queries, started });
      running = (
        await Promise.all(
          ids.map(id => call('alice', 'GET', `/cutovers/${id}`)),
        )
      ).filter(c => c.status === 'progressing').length;
      await sleep(500);
    }

    const done = await Promise.all(
      ids.map(id => call('alice', 'GET', `/cutovers/${id}`)),
    );
    const statuses = new Map<string, number>();
    for (const c of done) {
      statuses.set(c.status, (statuses.get(c.status) ?? 0) + 1);
    }
    const evaluations = done.flatMap(c =>
      c.rollout!.history.flatMap(step => step.evaluations),
    );
    // Engine-applied steps: their events are written during the tick that advanced them.
    const stepMs: number[] = [];
    for (const s of services) {
      const history = (await call(
        'alice',
        'GET',
        `/history?entityRef=${encodeURIComponent(
          `component:default/${s.name}`,
        )}&limit=100`,
      )) as unknown as { events: Array<{ type: string; at: string }> };
      for (const event of history.events.filter(e => e.type === 'step')) {
        const at = Date.parse(event.at);
        const tick = ticks.find(
          t => at >= t.started && at <= t.started + t.ms + 50,
        );
        if (tick) stepMs.push(at - tick.started);
      }
    }
    const totalQueries = ticks.reduce((n, t) => n + t.queries, 0);
    const tickMs = ticks.map(t => t.ms);
    const perRollout = totalQueries / evaluations.length;
    console.log(
      `rollouts: ${rolloutCount} concurrent on one backend, steps ${steps.join(
        '→',
      )}, ${intervalSeconds} s intervals; ended ${[...statuses]
        .map(([s, n]) => `${n} ${s}`)
        .join(', ')}`,
    );
    console.log(
      `scheduler tick (ticks with evaluations: ${ticks.length}, ${(
        evaluations.length / Math.max(1, ticks.length)
      ).toFixed(0)} rollouts each): p50 ${ms(percentile(tickMs, 50))}, p95 ${ms(
        percentile(tickMs, 95),
      )} (${tickMs.map(ms).join(', ')})   goal: < 1000 ms over 100 rollouts`,
    );
    console.log(
      `Prometheus queries per tick: ${ticks
        .map(t => t.queries)
        .join(', ')}; per rollout per interval: ${perRollout.toFixed(2)} (${
        evaluations.length
      } evaluations)   goal: 3 (one per gate: request count, success rate, p99)`,
    );
    console.log(
      `step apply, approve → first step written and verified: p50 ${ms(
        percentile(approveMs, 50),
      )}, p95 ${ms(percentile(approveMs, 95))}`,
    );
    const engineSteps = stepMs;
    console.log(
      `step apply by the engine, tick start → step recorded: p50 ${ms(
        percentile(engineSteps, 50),
      )}, p95 ${ms(percentile(engineSteps, 95))} (${engineSteps.length} steps)`,
    );
    if ((statuses.get('applied') ?? 0) !== rolloutCount) {
      throw new Error(
        `every rollout should end applied: ${done
          .filter(c => c.status !== 'applied')
          .slice(0, 3)
          .map(c => `${c.entityRef}: ${c.status} ${c.outcome?.message}`)
          .join('; ')}`,
      );
    }
  } finally {
    await backend.stop();
    await prometheus.stop();
    await traffic.close();
    await kube.close();
    await database?.drop();
  }
}

main().then(
  // The test backend leaves timers behind after it stopped (Jest, its usual host, ends the
  // process itself), so the process ends here once everything it started has stopped.
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
