/*
 * GET /cutovers/:id/metrics against a backend as Backstage runs it, the Kubernetes API test
 * server as the cluster and a real Prometheus scraping the traffic simulator, whose requests
 * follow the live VirtualService weights: the charts' series must show the traffic moving.
 * progressive-app of the demo scenario starts at blue 70 / green 30; each test rolls out green.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  RolloutMetricName,
  RolloutMetrics,
  RolloutMetricSeries,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { metricsRange, seriesPoints } from './RolloutMetrics';
import {
  RolloutStack,
  ended,
  resetProgressiveApp,
  rollOut,
  sleep,
  startRolloutStack,
  throwTaskErrors,
  untilCutover,
} from './__testUtils__/rolloutStack';

jest.setTimeout(40_000);

const INTERVAL = 3;
const SELECTOR = (version: string) =>
  `{reporter="destination",destination_service_namespace="progressive",destination_service_name="progressive-app",destination_version="${version}"}`;

let stack: RolloutStack;

/** Everyone may do everything, except that mallory may not read blue/green state. */
function onlyMalloryMayNotRead() {
  return mockServices.permissions.mock({
    authorize: async (requests, options) =>
      requests.map(request => ({
        result:
          request.permission.name === 'bluegreen.state.read' &&
          (options?.credentials.principal as { userEntityRef?: string })
            .userEntityRef === 'user:default/mallory'
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      })),
  }).factory;
}

const until = (id: string, done: Parameters<typeof untilCutover>[2]) =>
  untilCutover(stack.backend, id, done);

const rollOutGreen = () =>
  rollOut(stack.backend, { steps: [50, 100], intervalSeconds: INTERVAL });

async function metricsOf(id: string, query = ''): Promise<RolloutMetrics> {
  const res = await stack.backend
    .as('vera')
    .get(`/cutovers/${id}/metrics${query}`);
  expect(res.status).toBe(200);
  return res.body;
}

function seriesOf(
  metrics: RolloutMetrics,
  metric: RolloutMetricName,
  colour: string,
): RolloutMetricSeries {
  const found = metrics.series.filter(
    s => s.metric === metric && s.colour === colour,
  );
  expect(found).toHaveLength(1);
  return found[0];
}

const values = (series: RolloutMetricSeries) =>
  series.points.map(p => p.value).filter((v): v is number => v !== null);

beforeAll(async () => {
  stack = await startRolloutStack({
    intervalSeconds: INTERVAL,
    features: [onlyMalloryMayNotRead()],
  });
});

afterAll(async () => {
  await stack?.stop();
});

beforeEach(() => resetProgressiveApp(stack));

afterEach(throwTaskErrors);

describe('the series behind the rollout charts', () => {
  it('cover a finished rollout from its first step to its end, per colour, on the gates’ selector', async () => {
    const started = await rollOutGreen();
    const done = await until(started.id, ended);
    expect(done.status).toBe('applied');

    const metrics = await metricsOf(done.id);
    expect(metrics).toMatchObject({
      cutoverId: done.id,
      end: done.updatedAt,
      stepSeconds: 1,
      windowSeconds: INTERVAL,
    });
    expect(Date.parse(metrics.start)).toBeLessThanOrEqual(
      Date.parse(done.rollout!.history[0].appliedAt),
    );
    expect(
      metrics.series.map(s => [s.colour, s.metric, s.service, s.version]),
    ).toEqual(
      ['blue', 'green'].flatMap(colour =>
        ['request-rate', 'error-rate', 'latency-p99'].map(metric => [
          colour,
          metric,
          'demo/progressive/progressive-app',
          colour,
        ]),
      ),
    );
    for (const series of metrics.series) {
      expect(series.error).toBeUndefined();
      expect(series.query).toContain(SELECTOR(series.colour));
      expect(series.query).toContain(`[${INTERVAL}s]`);
      expect(series.points.length).toBeGreaterThanOrEqual(2 * INTERVAL);
      for (const point of series.points) {
        expect(point.time).toBeGreaterThanOrEqual(Date.parse(metrics.start));
        expect(point.time).toBeLessThanOrEqual(Date.parse(metrics.end));
      }
    }

    // 100 requests a second, all of them on green by the end.
    const greenRate = values(seriesOf(metrics, 'request-rate', 'green'));
    const blueRate = values(seriesOf(metrics, 'request-rate', 'blue'));
    const greenLast = greenRate[greenRate.length - 1];
    const blueLast = blueRate[blueRate.length - 1];
    expect(greenLast).toBeGreaterThan(80);
    // The traffic moved: the first point's window is before the first step (70/30), and blue
    // serves next to nothing once green has it all (the rate's window still reaches back to the
    // last scrapes before the step).
    expect(blueRate[0]).toBeGreaterThan(55);
    expect(greenRate[0]).toBeLessThan(45);
    expect(blueLast).toBeLessThan(greenLast / 5);
    const greenErrors = values(seriesOf(metrics, 'error-rate', 'green'));
    expect(greenErrors.length).toBeGreaterThan(INTERVAL);
    expect(greenErrors.every(v => v === 0)).toBe(true);
    for (const p99 of values(seriesOf(metrics, 'latency-p99', 'green'))) {
      // Every request takes 20 ms: inside Istio's 10–25 ms bucket.
      expect(p99).toBeGreaterThan(10);
      expect(p99).toBeLessThanOrEqual(25);
    }
  });

  it('show the errors injected on green that rolled it back, up to the rollback', async () => {
    const started = await rollOutGreen();
    await until(started.id, c => c.rollout?.current === 1);
    stack.traffic.setBehaviour('progressive', 'green', { errorRate: 0.5 });
    const done = await until(started.id, ended);
    expect(done.status).toBe('rolled-back');

    const metrics = await metricsOf(done.id);
    expect(metrics.end).toBe(done.updatedAt);
    const errorRate = values(seriesOf(metrics, 'error-rate', 'green'));
    expect(errorRate[0]).toBe(0);
    expect(Math.max(...errorRate)).toBeGreaterThan(30);
    expect(Math.max(...values(seriesOf(metrics, 'error-rate', 'blue')))).toBe(
      0,
    );
  });

  it('of a running rollout end now, and bound their points by maxPoints', async () => {
    const started = await rollOutGreen();
    await sleep(2000);
    const before = Date.now();
    const metrics = await metricsOf(started.id, '?maxPoints=3');
    expect(Date.parse(metrics.end)).toBeGreaterThanOrEqual(before);
    for (const series of metrics.series) {
      expect(series.points.length).toBeLessThanOrEqual(3);
      expect(series.points.length).toBeGreaterThanOrEqual(2);
    }
    await until(started.id, ended);
  });

  it('are refused for a cutover that is not a rollout, and for bad parameters', async () => {
    const switched = await stack.backend.requestCutover('alice', {
      entityRef: 'component:default/myapp',
      action: { action: 'switch', colour: 'v2' },
      reason: 'not a rollout',
    });
    const notRollout = await stack.backend
      .as('alice')
      .get(`/cutovers/${switched.id}/metrics`);
    expect(notRollout.status).toBe(409);
    expect(notRollout.body.error.message).toMatch(
      /is requested and has no rollout steps to chart/,
    );
    await stack.backend.as('alice').post(`/cutovers/${switched.id}/cancel`);

    const tooFew = await stack.backend
      .as('alice')
      .get(`/cutovers/${switched.id}/metrics?maxPoints=1`);
    expect(tooFew.status).toBe(400);
    expect(tooFew.body.error.message).toMatch(/maxPoints is at least 2/);
    const unknown = await stack.backend
      .as('alice')
      .get(`/cutovers/${switched.id}/metrics?since=1h`);
    expect(unknown.status).toBe(400);
  });

  it('need the permission to read the entity’s cutovers', async () => {
    const started = await rollOutGreen();
    const res = await stack.backend
      .as('mallory')
      .get(`/cutovers/${started.id}/metrics`);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      'You may not read the cutovers of component:default/progressive-app (permission bluegreen.state.read)',
    );
    await until(started.id, ended);
  });

  // Last: the rest of the file needs Prometheus.
  it('say Prometheus could not be read when it is down, per series, with the query', async () => {
    const started = await rollOutGreen();
    await stack.prometheus.stop();
    const metrics = await metricsOf(started.id);
    expect(metrics.series).toHaveLength(6);
    for (const series of metrics.series) {
      expect(series).toMatchObject({
        points: [],
        query: expect.stringContaining(SELECTOR(series.colour)),
        error: expect.stringMatching(
          /^Prometheus could not be read: Prometheus at http:\/\/127\.0\.0\.1:\d+ could not be reached/,
        ),
      });
    }
    await until(started.id, ended);
  });
});

describe('the range of the series', () => {
  const rollout = (hours: number) => ({
    intervalSeconds: 120,
    history: [
      {
        index: 0,
        weights: { green: 10, blue: 90 },
        appliedAt: new Date(
          Date.UTC(2026, 0, 1) - hours * 3_600_000,
        ).toISOString(),
        appliedBy: 'user:default/bob',
        evaluations: [],
        verdict: 'watching' as const,
      },
    ],
  });

  it.each([0.01, 1, 10, 24 * 7])(
    'a rollout of %s hours gets at most 240 points, no gaps between its windows',
    hours => {
      const range = metricsRange(
        rollout(hours),
        new Date(Date.UTC(2026, 0, 1)),
        240,
      );
      const points = seriesPoints(
        { ok: true, resultType: 'matrix', result: [] },
        range,
      );
      expect(points.length).toBeLessThanOrEqual(240);
      // Not wastefully few either: the step is the smallest whole second that fits.
      expect(points.length).toBeGreaterThanOrEqual(Math.min(120, hours * 3600));
      expect(range.windowSeconds).toBeGreaterThanOrEqual(range.stepSeconds);
      expect(points.every(p => p.value === null)).toBe(true);
    },
  );
});
