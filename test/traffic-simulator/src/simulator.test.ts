import {
  KubeTestServer,
  SCENARIOS_DIR,
  startKubeTestServer,
} from '@internal/kube-test-server';
import { meshTraffic } from './mesh';
import { startTrafficSimulator, TrafficSimulator } from './simulator';

let kube: KubeTestServer;
let simulator: TrafficSimulator;

beforeAll(async () => {
  kube = await startKubeTestServer({ scenarioDirs: [SCENARIOS_DIR] });
  simulator = await startTrafficSimulator({
    kubernetes: { url: kube.url, token: kube.token },
    requestsPerSecond: 100,
    tickMs: 100,
  });
});

afterAll(async () => {
  await simulator?.close();
  await kube?.close();
});

beforeEach(() => simulator.reset());

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Requests counted in /metrics for one series selector, by response code. */
async function requests(
  namespace: string,
  service: string,
  version: string,
): Promise<Record<string, number>> {
  const text = await (await fetch(`${simulator.url}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (
      line.startsWith('istio_requests_total{') &&
      line.includes('reporter="destination"') &&
      line.includes(`destination_service_namespace="${namespace}"`) &&
      line.includes(`destination_service_name="${service}"`) &&
      line.includes(`destination_version="${version}"`)
    ) {
      const code = /response_code="(\d+)"/.exec(line)![1];
      counts[code] = Number(line.split(' ').pop());
    }
  }
  return counts;
}

async function patchRoute(weights: { blue: number; green: number }) {
  const res = await fetch(
    `${kube.url}/apis/networking.istio.io/v1/namespaces/progressive/virtualservices/progressive-app`,
    {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${kube.token}`,
        'content-type': 'application/json-patch+json',
      },
      body: JSON.stringify([
        { op: 'replace', path: '/spec/http/0/route/0/weight', value: weights.blue },
        { op: 'replace', path: '/spec/http/0/route/1/weight', value: weights.green },
      ]),
    },
  );
  expect(res.status).toBe(200);
}

describe('meshTraffic', () => {
  it('finds the demo services with the split of the rule the shared host takes', async () => {
    const list = async (plural: string) =>
      (
        await (
          await fetch(`${kube.url}/apis/networking.istio.io/v1/${plural}`, {
            headers: { authorization: `Bearer ${kube.token}` },
          })
        ).json()
      ).items;
    const traffic = meshTraffic(
      await list('virtualservices'),
      await list('destinationrules'),
    );
    const byService = Object.fromEntries(
      traffic.map(t => [`${t.namespace}/${t.service}`, t.shares]),
    );
    expect(byService['progressive/progressive-app']).toEqual({
      blue: 70,
      green: 30,
    });
    expect(byService['myapp/myapp']).toEqual({ v1: 50, v2: 50 });
    // The shared host's rule names no subset: round robin over both colours.
    expect(byService['pii-demo/httpd-server']).toEqual({ blue: 50, green: 50 });
    // TCP only: no HTTP requests to report.
    expect(byService['pii-demo/mysql-server']).toBeUndefined();
  });
});

describe('the simulator', () => {
  it('follows the live weights and the behaviour set through the control API', async () => {
    await patchRoute({ blue: 0, green: 100 });
    await sleep(300);
    const blueBefore = await requests('progressive', 'progressive-app', 'blue');
    const greenBefore = await requests('progressive', 'progressive-app', 'green');

    const set = await fetch(`${simulator.url}/behaviour/progressive/green`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate: 0.5, latencyMs: 800 }),
    });
    expect(await set.json()).toEqual({
      namespace: 'progressive',
      colour: 'green',
      errorRate: 0.5,
      latencyMs: 800,
    });
    await sleep(1000);

    // No new blue requests at 0%; green took them all, half of them 503.
    expect(await requests('progressive', 'progressive-app', 'blue')).toEqual(
      blueBefore,
    );
    const green = await requests('progressive', 'progressive-app', 'green');
    const ok = green['200'] - (greenBefore['200'] ?? 0);
    const failed = green['503'] - (greenBefore['503'] ?? 0);
    expect(ok + failed).toBeGreaterThanOrEqual(60);
    expect(Math.abs(ok - failed)).toBeLessThanOrEqual(10);

    const metrics = await (await fetch(`${simulator.url}/metrics`)).text();
    expect(metrics).toMatch(
      /istio_request_duration_milliseconds_bucket\{le="500",[^}]*destination_version="green"[^}]*response_code="503"[^}]*\} 0\n/,
    );
    expect(
      simulator.services().find(s => s.service === 'progressive-app'),
    ).toMatchObject({
      shares: { blue: 0, green: 100 },
      behaviour: { green: { errorRate: 0.5, latencyMs: 800 } },
    });

    expect(
      (await fetch(`${simulator.url}/behaviour`, { method: 'DELETE' })).status,
    ).toBe(200);
    expect(
      simulator.services().find(s => s.service === 'progressive-app')
        ?.behaviour.green,
    ).toEqual({ errorRate: 0, latencyMs: 20 });
    await patchRoute({ blue: 70, green: 30 });
  });

  it('answers a wrong behaviour with what is wrong and an example', async () => {
    const res = await fetch(`${simulator.url}/behaviour/progressive/green`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate: 5 }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(
      /^errorRate: .*1.*Send a JSON body such as \{"errorRate": 0.5/,
    );
  });

  it('serves no requests at rate 0, and keeps the counters', async () => {
    simulator.setRequestsPerSecond(0);
    await sleep(250);
    const before = await requests('myapp', 'myapp', 'v1');
    await sleep(500);
    expect(await requests('myapp', 'myapp', 'v1')).toEqual(before);
    expect(before['200']).toBeGreaterThan(0);
  });

  it('keeps the last split while the Kubernetes API is unreachable', async () => {
    const other = await startKubeTestServer({ scenarioDirs: [SCENARIOS_DIR] });
    const cut = await startTrafficSimulator({
      kubernetes: { url: other.url, token: other.token },
      tickMs: 100,
    });
    try {
      await other.close();
      await sleep(300);
      expect(
        cut.services().find(s => s.service === 'progressive-app')?.shares,
      ).toEqual({ blue: 70, green: 30 });
    } finally {
      await cut.close();
    }
  });
});
