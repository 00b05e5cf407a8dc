/*
 * The Prometheus client and the gate queries against a real Prometheus (Debian's package,
 * installed by scripts/install-test-tools.sh; the test fails without it, it never skips) on
 * loopback, scraping an in-test /metrics with Istio's metric names every second.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ROLLOUT_GATES } from '@bluegreen-istio/plugin-bluegreen-common';
import { measure, queriesFor, verdictOf } from './gates';
import { PrometheusClient } from './PrometheusClient';

jest.setTimeout(60_000);

const labels = (version: string, code: string) =>
  `reporter="destination",destination_service_namespace="shop",destination_service_name="web",destination_version="${version}",response_code="${code}"`;

let served = 0;
let metrics: Server;
let prometheus: ChildProcess;
let dir: string;
let url: string;

/** Green serves 20 requests a second, all 200 in under 25 ms; blue fails half its requests. */
function exposition(): string {
  served += 20;
  return [
    '# TYPE istio_requests_total counter',
    `istio_requests_total{${labels('green', '200')}} ${served}`,
    `istio_requests_total{${labels('blue', '200')}} ${served / 2}`,
    `istio_requests_total{${labels('blue', '503')}} ${served / 2}`,
    '# TYPE istio_request_duration_milliseconds histogram',
    ...['10', '25', '+Inf'].map(
      le =>
        `istio_request_duration_milliseconds_bucket{${labels(
          'green',
          '200',
        )},le="${le}"} ${le === '10' ? served / 2 : served}`,
    ),
    `istio_request_duration_milliseconds_sum{${labels('green', '200')}} ${
      served * 12
    }`,
    `istio_request_duration_milliseconds_count{${labels(
      'green',
      '200',
    )}} ${served}`,
    '',
  ].join('\n');
}

const listen = (server: Server) =>
  new Promise<number>(resolve =>
    server.listen(0, '127.0.0.1', () =>
      resolve((server.address() as AddressInfo).port),
    ),
  );

beforeAll(async () => {
  metrics = createServer((_, res) => res.end(exposition()));
  const metricsPort = await listen(metrics);
  const probe = createServer();
  const port = await listen(probe);
  await new Promise(resolve => probe.close(resolve));
  dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n  - job_name: mesh\n    static_configs: [{ targets: ['127.0.0.1:${metricsPort}'] }]\n`,
  );
  prometheus = spawn(
    '/usr/bin/prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  url = `http://127.0.0.1:${port}`;
  // Enough samples for a rate over 5 s.
  for (let i = 0; i < 60; i++) {
    const answer = await new PrometheusClient(url, 1000).query(
      'count_over_time(istio_requests_total[10s])',
      new Date(),
    );
    if (answer.ok && JSON.stringify(answer.result).includes('"7"')) break;
    await new Promise(resolve => setTimeout(resolve, 500));
  }
});

afterAll(async () => {
  prometheus?.kill('SIGTERM');
  await new Promise(resolve => metrics?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const target = (version: string) => ({
  cluster: 'east',
  namespace: 'shop',
  service: 'web',
  version,
});

async function evaluate(client: PrometheusClient, version: string) {
  const [queries] = queriesFor([target(version)], 5);
  const now = new Date();
  const [requestCount, successRate, latencyP99] = await Promise.all([
    client.query(queries.requestCount, now),
    client.query(queries.successRate, now),
    client.query(queries.latencyP99, now),
  ]);
  return measure(
    queries,
    { requestCount, successRate, latencyP99 },
    DEFAULT_ROLLOUT_GATES,
  );
}

describe('gates against a real Prometheus', () => {
  it('passes the healthy colour with the values measured', async () => {
    const measurements = await evaluate(
      new PrometheusClient(url, 2000),
      'green',
    );
    expect(verdictOf(measurements)).toBe('pass');
    const [count, rate, p99] = measurements;
    expect(count.value).toBeGreaterThan(50);
    expect(rate.value).toBe(100);
    expect(p99.value).toBeGreaterThan(10);
    expect(p99.value).toBeLessThanOrEqual(25);
  });

  it('fails the colour that answers 503 to half its requests', async () => {
    const measurements = await evaluate(
      new PrometheusClient(url, 2000),
      'blue',
    );
    expect(measurements[1]).toMatchObject({
      gate: 'success-rate',
      result: 'fail',
      value: 50,
    });
    expect(verdictOf(measurements)).toBe('fail');
  });

  it('has no data for a colour without traffic: zero requests, no rate', async () => {
    const measurements = await evaluate(
      new PrometheusClient(url, 2000),
      'purple',
    );
    expect(measurements.map(m => [m.value, m.result])).toEqual([
      [0, 'no-data'],
      [null, 'no-data'],
      [null, 'no-data'],
    ]);
  });

  it('answers a refused query and an unreachable server as no data, never throwing', async () => {
    const client = new PrometheusClient(url, 2000);
    const bad = await client.query('sum(', new Date());
    expect(bad).toEqual({
      ok: false,
      message: expect.stringMatching(/HTTP 400: bad_data/),
    });
    const down = await new PrometheusClient('http://127.0.0.1:1', 1000).query(
      'up',
      new Date(),
    );
    expect(down).toEqual({
      ok: false,
      message: expect.stringMatching(/could not be reached/),
    });
  });
});

describe('range queries against a real Prometheus', () => {
  it('answers a matrix with one value per step over the range', async () => {
    const end = new Date();
    const start = new Date(end.getTime() - 4000);
    const answer = await new PrometheusClient(url, 2000).queryRange(
      `sum(rate(istio_requests_total{${labels('green', '200')}}[3s]))`,
      { start, end, stepSeconds: 1 },
    );
    expect(answer).toMatchObject({ ok: true, resultType: 'matrix' });
    const [series] = (answer as { result: Array<{ values: unknown[][] }> })
      .result;
    expect(series.values.length).toBeGreaterThanOrEqual(4);
    for (const [time, value] of series.values) {
      expect(Number(time) * 1000).toBeGreaterThanOrEqual(start.getTime() - 1);
      expect(Number(time) * 1000).toBeLessThanOrEqual(end.getTime() + 1);
      // 20 requests per one-second scrape.
      expect(Number(value)).toBeGreaterThan(10);
    }
  });

  it('answers a refused range query with what Prometheus said', async () => {
    const now = new Date();
    const answer = await new PrometheusClient(url, 2000).queryRange('up', {
      start: now,
      end: new Date(now.getTime() - 1000),
      stepSeconds: 1,
    });
    expect(answer).toEqual({
      ok: false,
      message: expect.stringMatching(/HTTP 400: bad_data: .*end timestamp/),
    });
  });
});
