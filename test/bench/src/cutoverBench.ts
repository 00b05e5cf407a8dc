/*
 * Benchmark of cutovers on the demo backend (packages/backend) against the Kubernetes API test
 * server, with users signed in through the demo OpenID Connect provider:
 *
 * - approve → applied-and-verified latency over N sequential cutovers of myapp (alice requests,
 *   bob approves; the approve call returns once the cluster is written and read back);
 * - cluster writes per cutover (VirtualService generations: dry runs and reads don't count);
 * - `GET /cutovers?approvableBy=me` with 1,000 open requests in the plugin's PostgreSQL database.
 *
 *   yarn bench:cutovers              200 cutovers, 1,000 open requests, 200 list calls
 *   yarn bench:cutovers --smoke      20 cutovers, 100 open requests, 20 list calls (what CI runs)
 *
 * PostgreSQL comes from BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (scripts/postgres.sh
 * starts one); the backend runs on it, as production does.
 */
import { SCENARIOS_DIR, startKubeTestServer } from '@internal/kube-test-server';
import { signInToBackstage, startOidcProvider } from '@internal/oidc-provider';
import {
  e2eConfig,
  oidcClientFor,
  startBackend,
  waitForHttp,
} from '@internal/e2e';
import type {
  Cutover,
  CutoverPlan,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { DatabaseCutoverStore } from '@bluegreen-istio/plugin-bluegreen-backend/src/store/DatabaseCutoverStore';
import knexFactory from 'knex';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { argument, percentile, smoke } from './cli';

const cutoverCount = Number(argument('cutovers', smoke ? '20' : '200'));
const openCount = Number(argument('open', smoke ? '100' : '1000'));
const listCalls = Number(argument('lists', smoke ? '20' : '200'));
const port = Number(argument('port', '7037'));

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await run();
  return [value, performance.now() - started];
}

async function main() {
  const postgres =
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (!postgres) {
    throw new Error(
      'set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (source scripts/postgres.sh) to run the cutover benchmark on PostgreSQL',
    );
  }
  const prefix = `bench_${randomBytes(4).toString('hex')}_`;
  const kube = await startKubeTestServer({
    port: 0,
    scenarioDirs: [SCENARIOS_DIR],
  });
  const oidc = await startOidcProvider({ clients: [oidcClientFor(port)] });
  const configFile = path.join(
    os.tmpdir(),
    `bluegreen-cutover-bench-${port}.json`,
  );
  const config = JSON.parse(
    e2eConfig({
      port,
      kubeUrl: kube.url,
      kubeToken: kube.token,
      oidcMetadataUrl: oidc.metadataUrl,
    }),
  );
  config.backend.database = { client: 'pg', connection: postgres, prefix };
  fs.writeFileSync(configFile, JSON.stringify(config));
  const logFile = path.join(os.tmpdir(), `bluegreen-cutover-bench-${port}.log`);
  const backend = startBackend(configFile, logFile);
  const pluginDb = knexFactory({
    client: 'pg',
    connection: postgres.replace(/\/[^/]*$/, `/${prefix}bluegreen`),
  });

  try {
    const base = `http://localhost:${port}`;
    await waitForHttp(`${base}/.backstage/health/v1/readiness`, 180_000);
    // Sign-in resolves users in the catalog, which ingests examples/org.yaml shortly after start.
    const signIn = async (username: string) => {
      for (let tries = 0; ; tries++) {
        try {
          return await signInToBackstage({ backendUrl: base, username });
        } catch (e) {
          if (tries > 120) throw e;
          await new Promise(r => setTimeout(r, 500));
        }
      }
    };
    const [alice, bob, paul] = await Promise.all(
      ['alice', 'bob', 'paul'].map(signIn),
    );
    const call = async (
      token: string,
      method: string,
      p: string,
      body?: object,
    ) => {
      const res = await fetch(`${base}/api/bluegreen${p}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
        },
        body: body && JSON.stringify(body),
      });
      const json = await res.json();
      if (!res.ok) {
        throw new Error(
          `${method} ${p}: ${res.status} ${JSON.stringify(json)}`,
        );
      }
      return json;
    };
    const vsGeneration = async () => {
      const res = await fetch(
        `${kube.url}/apis/networking.istio.io/v1beta1/namespaces/myapp/virtualservices/myapp`,
        { headers: { authorization: `Bearer ${kube.token}` } },
      );
      return ((await res.json()) as any).metadata.generation as number;
    };

    // The catalog ingests the demo entities shortly after start.
    for (let tries = 0; ; tries++) {
      const res = await fetch(
        `${base}/api/bluegreen/state?entityRef=component:default/myapp`,
        {
          headers: { authorization: `Bearer ${alice.token}` },
        },
      );
      if (res.ok) break;
      if (tries > 120)
        throw new Error(`state of myapp: ${res.status} ${await res.text()}`);
      await new Promise(r => setTimeout(r, 500));
    }

    const requestMs: number[] = [];
    const approveMs: number[] = [];
    const generationBefore = await vsGeneration();
    let plan: CutoverPlan | undefined;
    for (let i = 0; i < cutoverCount; i++) {
      const weights = i % 2 === 0 ? { v1: 0, v2: 100 } : { v1: 100, v2: 0 };
      const [requested, tRequest] = await timed<Cutover>(() =>
        call(alice.token, 'POST', '/cutovers', {
          entityRef: 'component:default/myapp',
          action: { action: 'split', weights },
          reason: `benchmark ${i}`,
        }),
      );
      plan ??= requested.plan;
      const [approved, tApprove] = await timed<Cutover>(() =>
        call(bob.token, 'POST', `/cutovers/${requested.id}/approve`),
      );
      if (approved.status !== 'applied' || !approved.outcome?.verified) {
        throw new Error(
          `cutover ${i} ended ${approved.status}: ${approved.outcome?.message}`,
        );
      }
      requestMs.push(tRequest);
      approveMs.push(tApprove);
    }
    const writes = (await vsGeneration()) - generationBefore;

    // Open requests, each on its own entity (one open cutover per entity), as stored by the API.
    const store = await DatabaseCutoverStore.create({
      database: { getClient: async () => pluginDb, migrations: { skip: true } },
    });
    const now = Date.now();
    for (let i = 0; i < openCount; i++) {
      await store.create({
        entityRef: `component:default/bench-${i}`,
        action: { action: 'switch', colour: 'v2' },
        reason: 'benchmark',
        requestedBy: 'user:default/alice',
        approvalsRequired: 1,
        plan: plan!,
        createdAt: new Date(now - i * 1000),
        expiresAt: new Date(now + 86_400_000),
      });
    }
    const listMs: number[] = [];
    let listed = 0;
    for (let i = 0; i < listCalls; i++) {
      const [page, t] = await timed<{ items: Cutover[] }>(() =>
        call(paul.token, 'GET', '/cutovers?approvableBy=me&limit=50'),
      );
      listed = page.items.length;
      listMs.push(t);
    }

    const ms = (v: number) => `${v.toFixed(1)} ms`;
    console.log(
      `\nCutover benchmark: ${cutoverCount} sequential cutovers of myapp (alice requests, bob approves), PostgreSQL`,
    );
    console.log(
      `request (plan, checks, dry run, store): p50 ${ms(
        percentile(requestMs, 50),
      )}, p95 ${ms(percentile(requestMs, 95))}`,
    );
    console.log(
      `approve → applied and verified:        p50 ${ms(
        percentile(approveMs, 50),
      )}, p95 ${ms(percentile(approveMs, 95))} (goal p95 < 100 ms)`,
    );
    console.log(
      `cluster writes per cutover: ${(writes / cutoverCount).toFixed(2)} (${
        plan!.changes.length
      } changed object per cutover; goal: one write per changed object)`,
    );
    console.log(
      `GET /cutovers?approvableBy=me (limit 50) with ${openCount} open requests: p50 ${ms(
        percentile(listMs, 50),
      )}, p95 ${ms(
        percentile(listMs, 95),
      )} over ${listCalls} calls, ${listed} items per page (goal p95 < 200 ms)`,
    );
    if (writes !== cutoverCount * plan!.changes.length) {
      throw new Error(
        `expected ${cutoverCount * plan!.changes.length} writes, saw ${writes}`,
      );
    }
  } catch (e) {
    console.error(
      `benchmark failed: ${(e as Error).message}\nbackend log: ${logFile}`,
    );
    process.exitCode = 1;
  } finally {
    try {
      process.kill(-backend.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    await pluginDb.destroy();
    await oidc.close();
    await kube.close();
  }
}

main();
