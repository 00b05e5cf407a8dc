/*
 * What the rollout tests run against: the Kubernetes API test server seeded with the demo
 * scenarios, a traffic simulator whose requests follow the live VirtualService weights, a real
 * Prometheus scraping it, and a blue/green backend whose rollout task the test runs in place of
 * the scheduler. progressive-app starts at blue 70 / green 30; the tests roll out green.
 */
import type { SchedulerServiceTaskFunction } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type {
  Cutover,
  ProgressiveAction,
} from '@bluegreen-istio/plugin-bluegreen-common';
import {
  KubeTestServer,
  SCENARIOS_DIR,
  startKubeTestServer,
} from '@internal/kube-test-server';
import {
  TestPrometheus,
  TrafficSimulator,
  startPrometheus,
  startTrafficSimulator,
} from '@internal/traffic-simulator';
import type { Knex } from 'knex';
import {
  TestBackend,
  startBlueGreenBackend,
} from '../../cutovers/__testUtils__/testBackend';
import { virtualServices } from '../../cutovers/__testUtils__/virtualServices';

type BackendFeatures = NonNullable<
  Parameters<typeof startBlueGreenBackend>[1]
>['features'];

export const ROLLOUT_ENTITY = 'component:default/progressive-app';
export const ROLLOUT_TASK = 'bluegreen-rollouts';
/** How often the tests run the rollout task: the real scheduler's frequency. */
const TICK_MS = 250;

export const sleep = (ms: number) =>
  new Promise(resolve => setTimeout(resolve, ms));

/** What the tasks of every test scheduler threw since `throwTaskErrors` last ran. */
const taskErrors: unknown[] = [];

/** For afterEach: a task that threw fails the test it ran in. */
export function throwTaskErrors() {
  const errors = taskErrors.splice(0);
  if (errors.length > 0) {
    throw new Error(`The rollout task threw: ${errors.join('; ')}`);
  }
}

/**
 * The plugin's scheduler, run by the test: tasks are kept as the plugin schedules them and run
 * only by `run` (a ticker, or the engine's own triggerTask after a person's request), one run of
 * a task at a time as the real scheduler's lock allows. Errors a run throws are kept for
 * `throwTaskErrors`: the task must never throw.
 */
export function testScheduler() {
  const tasks = new Map<string, SchedulerServiceTaskFunction>();
  const running = new Set<string>();
  const run = async (id: string = ROLLOUT_TASK) => {
    if (running.has(id)) return;
    running.add(id);
    try {
      await tasks.get(id)?.(new AbortController().signal);
    } catch (error) {
      taskErrors.push(error);
    } finally {
      running.delete(id);
    }
  };
  const service = mockServices.scheduler.mock({
    scheduleTask: async task => {
      tasks.set(task.id, task.fn);
    },
    triggerTask: run,
  });
  return { factory: service.factory, run };
}

export type TestScheduler = ReturnType<typeof testScheduler>;

/** A blue/green backend reading `prometheus`, its rollout task run only by the test. */
export async function startRolloutBackend(
  kube: KubeTestServer,
  prometheus: TestPrometheus,
  options: {
    knex?: Knex;
    entities?: Entity[];
    /** More service factories, e.g. permissions. */
    features?: BackendFeatures;
  } = {},
): Promise<{ backend: TestBackend; scheduler: TestScheduler }> {
  const scheduler = testScheduler();
  const backend = await startBlueGreenBackend(kube, {
    knex: options.knex,
    entities: options.entities,
    features: [scheduler.factory, ...(options.features ?? [])],
    bluegreen: {
      // Short intervals keep the tests quick; the API's minimum is lowered for them.
      rollouts: { minIntervalSeconds: 1 },
      prometheus: { baseUrl: prometheus.url, timeoutSeconds: 1 },
    },
  });
  return { backend, scheduler };
}

/** Runs `scheduler`'s rollout task every tick until the returned function is called. */
export function tickEvery(...schedulers: TestScheduler[]): () => void {
  // All at the same moment, every time: the race a lost lock allows.
  const ticker = setInterval(
    () => void Promise.all(schedulers.map(s => s.run())),
    TICK_MS,
  );
  return () => clearInterval(ticker);
}

export interface RolloutStack {
  kube: KubeTestServer;
  traffic: TrafficSimulator;
  prometheus: TestPrometheus;
  /** Ticked by the stack itself. */
  backend: TestBackend;
  scheduler: TestScheduler;
  stop(): Promise<void>;
}

/**
 * Starts the whole stack and waits until Prometheus has scraped enough for a rate over
 * `intervalSeconds`, the tests' rollout interval.
 */
export async function startRolloutStack(options: {
  intervalSeconds: number;
  entities?: Entity[];
  features?: BackendFeatures;
}): Promise<RolloutStack> {
  const kube = await startKubeTestServer({ scenarioDirs: [SCENARIOS_DIR] });
  const traffic = await startTrafficSimulator({
    kubernetes: { url: kube.url, token: kube.token },
    requestsPerSecond: 100,
    tickMs: 200,
  });
  const prometheus = await startPrometheus({ targets: [traffic.target] });
  const { backend, scheduler } = await startRolloutBackend(kube, prometheus, {
    entities: options.entities,
    features: options.features,
  });
  const stopTicking = tickEvery(scheduler);
  await prometheus.untilScraped(options.intervalSeconds + 1);
  return {
    kube,
    traffic,
    prometheus,
    backend,
    scheduler,
    async stop() {
      stopTicking();
      await backend.stop();
      await prometheus.stop();
      await traffic.close();
      await kube.close();
    },
  };
}

/** The demo scenario's route of progressive-app: blue 70 / green 30. */
const START_ROUTE = [
  {
    destination: {
      host: 'progressive-app',
      port: { number: 80 },
      subset: 'blue',
    },
    weight: 70,
  },
  {
    destination: {
      host: 'progressive-app',
      port: { number: 80 },
      subset: 'green',
    },
    weight: 30,
  },
];

/** Back to the scenario's 70/30 whatever a previous test left, as an operator would. */
export async function resetProgressiveApp(stack: RolloutStack) {
  stack.traffic.reset();
  await virtualServices(stack.kube).patch('progressive', 'progressive-app', [
    { op: 'replace', path: '/spec/http/0/route', value: START_ROUTE },
  ]);
}

/** The cutover `id` as `on` answers it, once `done` holds or 20 s have passed. */
export async function untilCutover(
  on: TestBackend,
  id: string,
  done: (cutover: Cutover) => boolean,
): Promise<Cutover> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const cutover: Cutover = (await on.as('alice').get(`/cutovers/${id}`)).body;
    if (done(cutover) || Date.now() > deadline) return cutover;
    await sleep(100);
  }
}

export const ended = (cutover: Cutover) => cutover.status !== 'progressing';

/** A rollout of green on progressive-app, requested by alice and approved by bob: the approval applies the first step. */
export async function rollOut(
  on: TestBackend,
  action: Omit<ProgressiveAction, 'action' | 'colour'>,
): Promise<Cutover> {
  const requested = await on.requestCutover('alice', {
    entityRef: ROLLOUT_ENTITY,
    action: { action: 'progressive', colour: 'green', ...action },
    reason: 'green 1.1.0',
  });
  const approved = await on.as('bob').post(`/cutovers/${requested.id}/approve`);
  expect(approved.body).toMatchObject({ status: 'progressing' });
  return approved.body;
}
