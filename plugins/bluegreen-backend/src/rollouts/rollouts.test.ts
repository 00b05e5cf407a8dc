/*
 * Progressive rollouts end to end: a backend as Backstage runs it, the Kubernetes API test server
 * as the cluster, a real Prometheus scraping a traffic simulator whose requests follow the live
 * VirtualService weights, so every step the engine writes changes what Prometheus measures.
 * progressive-app of the demo scenario starts at blue 70 / green 30; each test rolls out green.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import type {
  Cutover,
  RolloutStep,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { TestBackend, component } from '../cutovers/__testUtils__/testBackend';
import {
  virtualServices,
  weightsOf,
} from '../cutovers/__testUtils__/virtualServices';
import {
  ROLLOUT_ENTITY as ENTITY,
  RolloutStack,
  ended,
  resetProgressiveApp,
  rollOut,
  sleep,
  startRolloutBackend,
  startRolloutStack,
  throwTaskErrors,
  tickEvery,
  untilCutover,
} from './__testUtils__/rolloutStack';

jest.setTimeout(40_000);

const INTERVAL = 3;

/** progressive-app again, with its own rollout defaults; one with a typo in them. */
const ANNOTATED = [
  component('progressive-tuned', {
    'bluegreen/istio-hosts': 'progressive.example.com',
    'backstage.io/kubernetes-namespace': 'progressive',
    'bluegreen/rollout-steps': '20,100',
    'bluegreen/rollout-interval': '1m',
    'bluegreen/rollout-max-p99-ms': '250',
  }),
  component('progressive-typo', {
    'bluegreen/istio-hosts': 'progressive.example.com',
    'backstage.io/kubernetes-namespace': 'progressive',
    'bluegreen/rollout-min-success-rate': '99,5',
  }),
];

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

let stack: RolloutStack;
let backend: TestBackend;

const vs = () =>
  virtualServices(stack.kube).get('progressive', 'progressive-app');

const get = async (id: string): Promise<Cutover> =>
  (await backend.as('alice').get(`/cutovers/${id}`)).body;

const until = (id: string, done: (cutover: Cutover) => boolean) =>
  untilCutover(backend, id, done);

/** A replica on `knex`, its rollout task run only by the test. */
const replica = (knex: Knex) =>
  startRolloutBackend(stack.kube, stack.prometheus, { knex });

/** How many times the cluster was asked to patch progressive-app since its counts were reset. */
const progressiveAppPatches = () =>
  Object.entries(stack.kube.requestCounts())
    .filter(([route]) =>
      /^patch .*virtualservices\/progressive-app$/.test(route),
    )
    .reduce((n, [, count]) => n + count, 0);

/** The history of progressive-app's rollout `id`, oldest first, as `on` answers it. */
async function rolloutEvents(on: TestBackend, id: string) {
  const { events } = (
    await on
      .as('alice')
      .get(`/history?entityRef=${encodeURIComponent(ENTITY)}&limit=100`)
  ).body;
  return events.filter((e: any) => e.cutoverId === id).reverse();
}

beforeAll(async () => {
  stack = await startRolloutStack({
    intervalSeconds: INTERVAL,
    entities: ANNOTATED,
  });
  backend = stack.backend;
});

afterAll(async () => {
  await stack?.stop();
});

let snapshot: any;
beforeEach(async () => {
  await resetProgressiveApp(stack);
  snapshot = (await vs()).spec;
});

afterEach(throwTaskErrors);

describe('progressive rollouts against a real Prometheus', () => {
  it('a healthy auto rollout reaches 100% and ends applied, every step recorded', async () => {
    const started = await rollOut(backend, {
      steps: [50, 100],
      intervalSeconds: INTERVAL,
    });
    expect(weightsOf(await vs())).toEqual({ blue: 50, green: 50 });

    const done = await until(started.id, ended);
    expect(done.status).toBe('applied');
    expect(weightsOf(await vs())).toEqual({ blue: 0, green: 100 });
    const history = done.rollout!.history;
    expect(history.map(s => [s.weights, s.verdict])).toEqual([
      [{ green: 50, blue: 50 }, 'passed'],
      [{ green: 100, blue: 0 }, 'passed'],
    ]);
    for (const step of history) {
      expect(step.evaluations).toHaveLength(1);
      const [evaluation] = step.evaluations;
      expect(evaluation.verdict).toBe('pass');
      expect(evaluation.measurements.map(m => [m.gate, m.result])).toEqual([
        ['request-count', 'pass'],
        ['success-rate', 'pass'],
        ['latency-p99', 'pass'],
      ]);
      for (const m of evaluation.measurements) {
        expect(m.query).toContain(
          '{reporter="destination",destination_service_namespace="progressive",destination_service_name="progressive-app",destination_version="green"}',
        );
      }
      const [count, rate, p99] = evaluation.measurements;
      expect(count.value).toBeGreaterThanOrEqual(10);
      expect(rate.value).toBe(100);
      // Every request takes 20 ms: inside Istio's 10–25 ms bucket.
      expect(p99.value).toBeGreaterThan(10);
      expect(p99.value).toBeLessThanOrEqual(25);
    }
    // Each step held a whole interval before its evaluation.
    const held = (s: RolloutStep) =>
      Date.parse(s.evaluations[0].at) - Date.parse(s.appliedAt);
    expect(held(history[0])).toBeGreaterThanOrEqual(INTERVAL * 1000);
    expect(held(history[1])).toBeGreaterThanOrEqual(INTERVAL * 1000);
    // The traffic followed: at 100% green the simulator sends blue nothing.
    expect(
      stack.traffic.services().find(s => s.service === 'progressive-app')
        ?.shares,
    ).toEqual({ blue: 0, green: 100 });
  });

  it('errors on green at the second step roll back within one interval, to exactly the snapshot', async () => {
    const started = await rollOut(backend, {
      steps: [50, 100],
      intervalSeconds: INTERVAL,
    });
    const second = await until(started.id, c => c.rollout?.current === 1);
    expect(weightsOf(await vs())).toEqual({ blue: 0, green: 100 });
    stack.traffic.setBehaviour('progressive', 'green', { errorRate: 0.5 });

    const done = await until(started.id, ended);
    expect(done.status).toBe('rolled-back');
    const applied = Date.parse(second.rollout!.history[1].appliedAt);
    expect(Date.parse(done.updatedAt) - applied).toBeLessThan(
      (INTERVAL + 1.5) * 1000,
    );
    expect((await vs()).spec).toEqual(snapshot);
    const step = done.rollout!.history[1];
    expect(step.verdict).toBe('failed');
    const evaluation = step.evaluations[step.evaluations.length - 1];
    expect(evaluation.verdict).toBe('fail');
    const rate = evaluation.measurements.find(m => m.gate === 'success-rate')!;
    expect(rate).toMatchObject({ result: 'fail', threshold: 99 });
    expect(rate.value).toBeGreaterThan(40);
    expect(rate.value).toBeLessThan(70);
    expect(done.outcome?.message).toMatch(
      /Step 2 \(green 100%, blue 0%\) failed its gates: success-rate of demo\/progressive\/progressive-app \(green\) was .*The routes are back/,
    );
  });

  it('without traffic waits out the no-data policy, then fails and rolls back', async () => {
    stack.traffic.setRequestsPerSecond(0);
    const started = await rollOut(backend, {
      steps: [50, 100],
      intervalSeconds: INTERVAL,
      gates: { noDataIntervals: 1 },
    });

    const waiting = await until(
      started.id,
      c => (c.rollout?.history[0].evaluations.length ?? 0) >= 1,
    );
    expect(waiting.status).toBe('progressing');
    expect(waiting.rollout).toMatchObject({ current: 0, noDataCount: 1 });
    expect(waiting.rollout!.history[0].evaluations[0].verdict).toBe('no-data');
    expect(
      waiting.rollout!.history[0].evaluations[0].measurements[0],
    ).toMatchObject({ gate: 'request-count', value: 0, result: 'no-data' });
    expect(weightsOf(await vs())).toEqual({ blue: 50, green: 50 });

    const done = await until(started.id, ended);
    expect(done.status).toBe('rolled-back');
    expect(done.rollout!.history).toHaveLength(1);
    expect(done.rollout!.history[0].evaluations.map(e => e.verdict)).toEqual([
      'no-data',
      'no-data',
    ]);
    expect(done.outcome?.message).toMatch(
      /had no data for 2 intervals in a row \(the policy waits 1\)/,
    );
    expect((await vs()).spec).toEqual(snapshot);
  });

  it('manual: waits for a promote, the requester promotes, a pause holds, an abort rolls back', async () => {
    const started = await rollOut(backend, {
      steps: [25, 50, 100],
      intervalSeconds: INTERVAL,
      mode: 'manual',
    });
    const early = await backend
      .as('alice')
      .post(`/cutovers/${started.id}/promote`);
    expect(early.status).toBe(409);

    // Passed, then evaluated again: it keeps waiting at its step without a promote.
    const waiting = await until(
      started.id,
      c => (c.rollout?.history[0].evaluations.length ?? 0) >= 2,
    );
    expect(waiting.rollout).toMatchObject({ current: 0 });
    expect(waiting.rollout!.history[0].verdict).toBe('passed');
    expect(weightsOf(await vs())).toEqual({ blue: 75, green: 25 });

    const promoted = await backend
      .as('alice')
      .post(`/cutovers/${started.id}/promote`);
    expect(promoted.status).toBe(200);
    const second = await until(started.id, c => c.rollout?.current === 1);
    expect(second.rollout!.history[1]).toMatchObject({
      weights: { green: 50, blue: 50 },
      appliedBy: 'user:default/alice',
    });
    expect(weightsOf(await vs())).toEqual({ blue: 50, green: 50 });

    const paused = await backend
      .as('bob')
      .post(`/cutovers/${started.id}/pause`);
    expect(paused.status).toBe(200);
    const held = await until(started.id, c => c.rollout?.paused === true);
    // Longer than an interval: no evaluation, no step.
    await sleep((INTERVAL + 1) * 1000);
    const still = await get(started.id);
    expect(still.rollout).toMatchObject({ current: 1, paused: true });
    expect(still.rollout!.history[1].evaluations).toEqual(
      held.rollout!.history[1].evaluations,
    );
    expect(weightsOf(await vs())).toEqual({ blue: 50, green: 50 });

    const aborted = await backend
      .as('alice')
      .post(`/cutovers/${started.id}/abort`);
    expect(aborted.status).toBe(200);
    const done = await until(started.id, ended);
    expect(done.status).toBe('rolled-back');
    expect(done.rollout!.history[1].verdict).toBe('aborted');
    expect(done.outcome?.message).toMatch(
      /^Aborted by user:default\/alice at step 2/,
    );
    expect((await vs()).spec).toEqual(snapshot);
  });

  it.each(databases.eachSupportedId())(
    'two backends on one %s database ticking at once apply each step once',
    async databaseId => {
      const knex = await databases.init(databaseId);
      // One after the other: both running the migrations at once is another test's race.
      const [first, second] = [await replica(knex), await replica(knex)];
      const stopTicking = tickEvery(first.scheduler, second.scheduler);
      try {
        const generation = (await vs()).metadata.generation;
        const started = await rollOut(first.backend, {
          steps: [50, 100],
          intervalSeconds: INTERVAL,
        });
        stack.kube.resetRequestCounts();
        const done = await untilCutover(second.backend, started.id, ended);
        expect(done.status).toBe('applied');
        expect(done.rollout!.history.map(s => s.weights)).toEqual([
          { green: 50, blue: 50 },
          { green: 100, blue: 0 },
        ]);
        // The first step and the second: two writes, whoever made them.
        expect((await vs()).metadata.generation).toBe(generation + 2);
        // After the first step, one patch in all: the replica that lost never tried its own.
        expect(progressiveAppPatches()).toBe(1);
        expect(
          (await rolloutEvents(second.backend, started.id)).map(
            (e: any) => e.type,
          ),
        ).toEqual([
          'requested',
          'approved',
          'applying',
          'step',
          'step',
          'applied',
        ]);
      } finally {
        stopTicking();
        await Promise.all([first, second].map(r => r.backend.stop()));
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'on %s, while one replica applies a promoted step, neither replica acts on the rollout again, and an abort sent meanwhile waits for the step',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const [first, second] = [await replica(knex), await replica(knex)];
      const stopTicking = tickEvery(first.scheduler, second.scheduler);
      try {
        const started = await rollOut(first.backend, {
          steps: [50, 100],
          intervalSeconds: INTERVAL,
          mode: 'manual',
        });
        await untilCutover(
          first.backend,
          started.id,
          c => c.rollout?.history[0].verdict === 'passed',
        );
        // The first replica's step write hangs in the API server for 1.2 s (under the 2 s
        // cluster timeout of the test backends).
        stack.kube.injectFault({
          verb: 'patch',
          path: 'virtualservices/progressive-app',
          type: 'latency',
          latencyMs: 1200,
          count: 1,
        });
        stack.kube.resetRequestCounts();
        // Not awaited: the test scheduler runs the tick the promote triggers inside the request.
        const promoting = first.backend
          .as('alice')
          .post(`/cutovers/${started.id}/promote`)
          .then(res => res.status);
        await sleep(300);
        const abort = await second.backend
          .as('alice')
          .post(`/cutovers/${started.id}/abort`);
        expect(abort.body).toMatchObject({ status: 'progressing' });
        expect(await promoting).toBe(200);

        const done = await untilCutover(second.backend, started.id, ended);
        expect(done.status).toBe('rolled-back');
        // The step in flight landed and was recorded before the abort was acted on.
        expect(done.rollout!.history.map(s => [s.weights, s.verdict])).toEqual([
          [{ green: 50, blue: 50 }, 'passed'],
          [{ green: 100, blue: 0 }, 'aborted'],
        ]);
        expect(done.outcome?.message).toMatch(
          /^Aborted by user:default\/alice at step 2 \(green 100%, blue 0%\)\. The routes are back/,
        );
        expect((await vs()).spec).toEqual(snapshot);
        // The step and the rollback: no replica planned the step again while it was in flight.
        expect(progressiveAppPatches()).toBe(2);
      } finally {
        stopTicking();
        stack.kube.clearFaults();
        await Promise.all([first, second].map(r => r.backend.stop()));
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'on %s, a step whose routes were written by a backend that stopped before recording it is resumed from the live routes, not rolled back',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { backend: survivor, scheduler } = await replica(knex);
      const stopTicking = tickEvery(scheduler);
      try {
        const started = await rollOut(survivor, {
          steps: [50, 100],
          intervalSeconds: INTERVAL,
        });
        // What a backend that stopped mid-tick leaves: its claim in the database, never
        // released, and the next step's routes in the cluster, never recorded.
        await knex('bluegreen_cutovers')
          .where({ id: started.id })
          .update({
            rollout_revision: knex.raw('rollout_revision + 1'),
            lease_owner: 'rollout-engine-stopped',
            lease_until: new Date(Date.now() - 1000).toISOString(),
          });
        await virtualServices(stack.kube).patch(
          'progressive',
          'progressive-app',
          [
            { op: 'replace', path: '/spec/http/0/route/0/weight', value: 0 },
            { op: 'replace', path: '/spec/http/0/route/1/weight', value: 100 },
          ],
        );
        const generation = (await vs()).metadata.generation;
        stack.kube.resetRequestCounts();

        const done = await untilCutover(survivor, started.id, ended);
        expect(done.status).toBe('applied');
        expect(
          done.rollout!.history.map(s => [s.weights, s.appliedBy]),
        ).toEqual([
          [{ green: 50, blue: 50 }, 'user:default/bob'],
          [{ green: 100, blue: 0 }, 'plugin:bluegreen'],
        ]);
        // Read back, not written again.
        expect((await vs()).metadata.generation).toBe(generation);
        expect(progressiveAppPatches()).toBe(0);
        const steps = (await rolloutEvents(survivor, started.id)).filter(
          (e: any) => e.type === 'step',
        );
        expect(steps[steps.length - 1].comment).toMatch(
          /^Step 2: green 100%, blue 0%, found in the cluster after the backend that applied it stopped/,
        );
      } finally {
        stopTicking();
        await survivor.stop();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'on %s, a backend restarted mid-rollout resumes at its step, and each step is applied once',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const before = await replica(knex);
      const generation = (await vs()).metadata.generation;
      const started = await rollOut(before.backend, {
        steps: [50, 100],
        intervalSeconds: INTERVAL,
      });
      // Down for longer than the step's interval: its evaluation is overdue when it comes back.
      await before.backend.stop();
      await sleep((INTERVAL + 1) * 1000);
      const after = await replica(knex);
      const stopTicking = tickEvery(after.scheduler);
      try {
        const done = await untilCutover(after.backend, started.id, ended);
        expect(done.status).toBe('applied');
        expect(done.rollout!.history.map(s => [s.weights, s.verdict])).toEqual([
          [{ green: 50, blue: 50 }, 'passed'],
          [{ green: 100, blue: 0 }, 'passed'],
        ]);
        expect((await vs()).metadata.generation).toBe(generation + 2);
      } finally {
        stopTicking();
        await after.backend.stop();
      }
    },
  );

  it('a backend restarted after its step interval expired without data rolls back per the policy', async () => {
    const knex = await databases.init(databases.eachSupportedId()[0][0]);
    const before = await replica(knex);
    const started = await rollOut(before.backend, {
      steps: [50, 100],
      intervalSeconds: INTERVAL,
      gates: { noDataIntervals: 0 },
    });
    await before.backend.stop();
    stack.traffic.setRequestsPerSecond(0);
    await sleep((INTERVAL + 1) * 1000);
    const after = await replica(knex);
    const stopTicking = tickEvery(after.scheduler);
    try {
      const done = await untilCutover(after.backend, started.id, ended);
      expect(done.status).toBe('rolled-back');
      expect(done.rollout!.history[0].evaluations.map(e => e.verdict)).toEqual([
        'no-data',
      ]);
      expect((await vs()).spec).toEqual(snapshot);
    } finally {
      stopTicking();
      await after.backend.stop();
    }
  });

  it('steps are planned on the watch cache; a cache behind the cluster plans the step again on a fresh read, and it lands', async () => {
    // A read of the namespace lists its pods (the watch cache lists pods of every namespace).
    const namespaceReads = () =>
      stack.kube.requestCounts()['list /api/v1/namespaces/progressive/pods'] ??
      0;
    const started = await rollOut(backend, {
      steps: [40, 60, 100],
      intervalSeconds: INTERVAL,
    });
    stack.kube.resetRequestCounts();
    await until(started.id, c => c.rollout!.current === 1);
    expect(weightsOf(await vs())).toEqual({ blue: 40, green: 60 });
    expect(namespaceReads()).toBe(0);

    // Another user labels the VirtualService; the backend's watch does not see it yet.
    stack.kube.injectFault({
      type: 'watch-lag',
      path: 'virtualservices',
      lagMs: 60_000,
    });
    try {
      await virtualServices(stack.kube).patch(
        'progressive',
        'progressive-app',
        [{ op: 'add', path: '/metadata/labels', value: { team: 'web' } }],
      );
      const done = await until(started.id, ended);
      expect(done.status).toBe('applied');
      expect(done.rollout!.history.map(s => s.weights.green)).toEqual([
        40, 60, 100,
      ]);
      const now = await vs();
      expect(weightsOf(now)).toEqual({ blue: 0, green: 100 });
      expect(now.metadata.labels).toEqual({ team: 'web' });
      expect(namespaceReads()).toBe(1);
    } finally {
      stack.kube.clearFaults();
    }
  });

  describe('a step the cluster stores with other weights (a mutating admission webhook) rolls back at once, to exactly the snapshot', () => {
    /** The next write of progressive-app's route is stored at blue 90 / green 10. */
    const mutateNextWrite = () =>
      stack.kube.injectFault({
        type: 'mutate',
        verb: 'patch',
        path: 'virtualservices/progressive-app$',
        count: 1,
        patch: [
          { op: 'replace', path: '/spec/http/0/route/0/weight', value: 90 },
          { op: 'replace', path: '/spec/http/0/route/1/weight', value: 10 },
        ],
      });
    const notShown = (step: string) =>
      new RegExp(
        `^Step ${step} was written, but the routes the cluster stored do not show it: something changed them on the way in \\(a mutating admission webhook, or a controller that owns them\\), and the gates would measure a split nobody chose\\. The routes are back as they were before the rollout\\.$`,
      );
    afterEach(() => stack.kube.clearFaults());

    it('a later step, written by the engine', async () => {
      const started = await rollOut(backend, {
        steps: [50, 100],
        intervalSeconds: INTERVAL,
      });
      mutateNextWrite();
      const done = await until(started.id, ended);
      expect(done.status).toBe('rolled-back');
      expect((await vs()).spec).toEqual(snapshot);
      const history = done.rollout!.history;
      expect(
        history.map(s => [s.weights.green, s.verified, s.verdict]),
      ).toEqual([
        [50, true, 'passed'],
        [100, false, 'failed'],
      ]);
      // In the same tick as the write, not an interval later.
      expect(
        Date.parse(done.updatedAt) - Date.parse(history[1].appliedAt),
      ).toBeLessThan(INTERVAL * 1000);
      expect(done.outcome?.message).toMatch(
        notShown('2 \\(green 100%, blue 0%\\)'),
      );
      const events = await rolloutEvents(backend, started.id);
      expect(
        events.map((e: any) => [e.type, e.outcome?.verified]).slice(-2),
      ).toEqual([
        ['step', false],
        ['rolled-back', true],
      ]);
    });

    it('the first step, written on approval', async () => {
      const requested = await backend.requestCutover('alice', {
        entityRef: ENTITY,
        action: {
          action: 'progressive',
          colour: 'green',
          steps: [50, 100],
          intervalSeconds: INTERVAL,
        },
        reason: 'green 1.1.0',
      });
      mutateNextWrite();
      const approved = await backend
        .as('bob')
        .post(`/cutovers/${requested.id}/approve`);
      expect(approved.body.status).toBe('progressing');
      expect(approved.body.outcome.verified).toBe(false);
      expect(approved.body.rollout.history[0].verified).toBe(false);
      const done = await until(requested.id, ended);
      expect(done.status).toBe('rolled-back');
      expect((await vs()).spec).toEqual(snapshot);
      expect(done.rollout!.history.map(s => [s.verified, s.verdict])).toEqual([
        [false, 'failed'],
      ]);
      expect(done.outcome?.message).toMatch(
        notShown('1 \\(green 50%, blue 50%\\)'),
      );
    });
  });

  // Last: the rest of the file needs Prometheus.
  it('Prometheus stopped mid-rollout: no step advances, then the policy rolls back', async () => {
    const started = await rollOut(backend, {
      steps: [50, 100],
      intervalSeconds: INTERVAL,
      gates: { noDataIntervals: 1 },
    });
    await stack.prometheus.stop();

    const done = await until(started.id, ended);
    expect(done.status).toBe('rolled-back');
    expect(done.rollout!.history).toHaveLength(1);
    const evaluations = done.rollout!.history[0].evaluations;
    expect(evaluations.map(e => e.verdict)).toEqual(['no-data', 'no-data']);
    for (const m of evaluations.flatMap(e => e.measurements)) {
      expect(m).toMatchObject({
        value: null,
        result: 'no-data',
        message: expect.stringMatching(/could not be reached/),
      });
    }
    expect((await vs()).spec).toEqual(snapshot);
  });
});

describe('rollout settings per entity', () => {
  it('the preview answers the settings resolved from the request, the annotations and the configuration', async () => {
    const res = await backend.as('alice').post('/cutovers/preview', {
      entityRef: 'component:default/progressive-tuned',
      action: { action: 'progressive', colour: 'green', mode: 'manual' },
    });
    expect(res.status).toBe(200);
    expect(res.body.action).toEqual({
      action: 'progressive',
      colour: 'green',
      steps: [20, 100],
      intervalSeconds: 60,
      mode: 'manual',
      gates: {
        minSuccessRatePercent: 99,
        maxLatencyP99Ms: 250,
        minRequests: 10,
        noDataIntervals: 2,
      },
    });
    // The first step is the annotated one.
    expect(res.body.plan.splits[0].after).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ colour: 'green', percent: 20 }),
      ]),
    );
  });

  it('a request stores the resolved settings: the approver approves what runs', async () => {
    const requested = await backend.requestCutover('alice', {
      entityRef: 'component:default/progressive-tuned',
      action: { action: 'progressive', colour: 'green' },
      reason: 'tuned',
    });
    try {
      expect(requested.action).toMatchObject({
        steps: [20, 100],
        intervalSeconds: 60,
        mode: 'auto',
      });
    } finally {
      await backend.as('alice').post(`/cutovers/${requested.id}/cancel`);
    }
  });

  it('a broken annotation is a 400 that names it and the fix', async () => {
    const res = await backend.as('alice').post('/cutovers/preview', {
      entityRef: 'component:default/progressive-typo',
      action: { action: 'progressive', colour: 'green' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      `component:default/progressive-typo has annotation bluegreen/rollout-min-success-rate: '99,5', which is not a percent from 0 to 100: fix it in the entity's catalog-info.yaml (e.g. bluegreen/rollout-min-success-rate: "99.5") or remove it to use the configured default`,
    );
  });
});
