/*
 * Progressive rollouts in the portal, end to end, on progressive-app (blue 70 / green 30 in the
 * seed): alice starts one to green on the Blue/Green tab, bob approves it, and alice's tab
 * follows it. A healthy green is stepped to 100% with the gates' measurements and the charts
 * beside it; a green answering half its requests with errors is rolled back by the backend on
 * its own. The stack's Prometheus (Debian's package, on a free port the backend is configured
 * with) scrapes the stack's traffic simulator, whose requests follow the test server's live
 * routes. Each test leaves progressive-app's routes and traffic as the seed has them.
 */
import { Browser, Page } from 'playwright-core';
import { fetchAsPage, launchBrowser, openPortal, screenshot } from './browser';
import { readStackInfo } from './stack/stack';

const ENTITY = 'component:default/progressive-app';
const TAB = '/catalog/default/component/progressive-app/bluegreen';
const VIRTUAL_SERVICE =
  '/apis/networking.istio.io/v1beta1/namespaces/progressive/virtualservices/progressive-app';
const INTERVAL_SECONDS = 10;
// Generous for a busy machine: a rollout of two 10 s steps ends in about 25 s when idle.
const ROLLOUT_END_TIMEOUT_MS = 90_000;

async function kube(path: string, init: RequestInit = {}): Promise<any> {
  const { kubeUrl, kubeToken } = readStackInfo();
  const response = await fetch(`${kubeUrl}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${kubeToken}`, ...init.headers },
  });
  const body = await response.text();
  if (!response.ok) {
    throw new Error(
      `${init.method ?? 'GET'} ${path} answered ${response.status}: ${body}`,
    );
  }
  return JSON.parse(body);
}

async function weights(): Promise<Record<string, number>> {
  const vs = await kube(VIRTUAL_SERVICE);
  return Object.fromEntries(
    vs.spec.http[0].route.map((r: any) => [r.destination.subset, r.weight]),
  );
}

/** The traffic simulator's control API, as scripts/demo-traffic.sh calls it. */
async function simulator(method: 'PUT' | 'DELETE', path: string, body?: {}) {
  const { trafficUrl } = readStackInfo();
  const response = await fetch(`${trafficUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(
      `${method} ${path} on the traffic simulator answered ${
        response.status
      }: ${await response.text()}`,
    );
  }
}

async function apiOk(page: Page, method: 'GET' | 'POST', path: string) {
  const response = await fetchAsPage(page, `/api/bluegreen${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(method === 'POST' && { body: '{}' }),
  });
  if (response.status >= 300) {
    throw new Error(
      `${method} ${path} answered ${response.status}: ${response.body}`,
    );
  }
  return JSON.parse(response.body);
}

/**
 * Alice asks in the tab for a rollout to green in two steps (50% → 100%) of INTERVAL_SECONDS,
 * the other settings the backend's defaults; answers the request as the backend stored it.
 */
async function requestRolloutToGreen(alice: Page, reason: string) {
  await alice
    .getByRole('button', { name: 'Progressive rollout…' })
    .click({ timeout: 60_000 });
  const settings = alice.getByRole('dialog', { name: 'Rollout settings' });
  const interval = settings.getByRole('spinbutton', {
    name: 'Interval (seconds)',
  });
  // The form starts from the backend's defaults: the demo's 15 s interval (app-config.yaml).
  await expect(interval.inputValue()).resolves.toBe('15');
  await settings.getByRole('button', { name: 'Remove step 1' }).click();
  await settings.getByRole('button', { name: 'Remove step 1' }).click();
  await interval.fill(String(INTERVAL_SECONDS));
  await settings.getByRole('button', { name: 'Preview' }).click();

  const preview = alice.getByRole('dialog', {
    name: 'Progressive rollout to green (50% → 100%): preview',
  });
  await preview
    .getByRole('img', {
      name: 'progressive.example.com after: blue 50%, green 50%',
    })
    .waitFor();
  await preview.getByRole('textbox', { name: /Reason/ }).fill(reason);
  await preview.getByRole('button', { name: /^Request approval/ }).click();
  await preview.waitFor({ state: 'detached' });

  const [requested] = (
    await apiOk(
      alice,
      'GET',
      `/cutovers?entityRef=${encodeURIComponent(ENTITY)}&status=requested`,
    )
  ).items;
  expect(requested.action).toMatchObject({
    action: 'progressive',
    colour: 'green',
    steps: [50, 100],
    intervalSeconds: INTERVAL_SECONDS,
  });
  return requested;
}

describe('a progressive rollout in the portal', () => {
  let browser: Browser;
  let seedRoute: unknown;

  beforeAll(async () => {
    seedRoute = (await kube(VIRTUAL_SERVICE)).spec.http[0].route;
    browser = await launchBrowser();
  });

  afterEach(async () => {
    await simulator('DELETE', '/behaviour');
    // Back to the seed's split, as an operator would set it: the next test reads 70/30.
    await kube(VIRTUAL_SERVICE, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json-patch+json' },
      body: JSON.stringify([
        { op: 'replace', path: '/spec/http/0/route', value: seedRoute },
      ]),
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('is started in the tab, approved, and followed step by step to 100% with its measurements and charts', async () => {
    expect(await weights()).toEqual({ blue: 70, green: 30 });
    const alice = await openPortal(browser, TAB, 'alice');
    const requested = await requestRolloutToGreen(
      alice,
      'green 1.1.0 passed QA',
    );
    const bob = await openPortal(browser, '/settings', 'bob');
    await apiOk(bob, 'POST', `/cutovers/${requested.id}/approve`);
    expect(await weights()).toEqual({ blue: 50, green: 50 });

    // Alice's tab follows: the first step's gates judged, the charts drawn from Prometheus.
    const panel = alice.getByRole('region', { name: 'Rollout' });
    await panel
      .getByRole('table', { name: /^Gates judged/ })
      .first()
      .waitFor({ timeout: 60_000 });
    await expect(panel.getByLabel('Traffic now').innerText()).resolves.toMatch(
      /green (50|100)%/,
    );
    await panel.locator('.recharts-line-curve').first().waitFor();
    await screenshot(alice, 'rollout-running');

    await alice
      .getByText('Applied', { exact: true })
      .first()
      .waitFor({ timeout: ROLLOUT_END_TIMEOUT_MS });
    expect(await weights()).toEqual({ blue: 0, green: 100 });
    await expect(panel.getByLabel('Traffic now').innerText()).resolves.toBe(
      'green 100% · blue 0%',
    );
    // Both steps passed, with a success rate measured on green at each.
    const steps = panel.getByRole('list', { name: 'Steps of the rollout' });
    await expect(
      steps.getByText('gates passed', { exact: true }).count(),
    ).resolves.toBe(2);
    await expect(
      steps.getByRole('cell', { name: '100%', exact: true }).count(),
    ).resolves.toBeGreaterThanOrEqual(2);
    await screenshot(alice, 'rollout-finished');
  });

  it('rolls back by itself when the new colour fails its success-rate gate, showing the measurement, the routes back as before', async () => {
    expect(await weights()).toEqual({ blue: 70, green: 30 });
    const alice = await openPortal(browser, TAB, 'alice');
    const state = alice.getByRole('img', {
      name: 'progressive.example.com: blue 70%, green 30%',
    });
    await state.waitFor({ timeout: 60_000 });
    const requested = await requestRolloutToGreen(alice, 'green 1.2.0');
    const bob = await openPortal(browser, '/settings', 'bob');
    await apiOk(bob, 'POST', `/cutovers/${requested.id}/approve`);
    expect(await weights()).toEqual({ blue: 50, green: 50 });
    // What `scripts/demo-traffic.sh progressive green --error-rate 0.5` does: half of green's
    // requests answer 503 from the simulator's next tick, early in the first step's interval.
    await simulator('PUT', '/behaviour/progressive/green', { errorRate: 0.5 });

    const request = alice.getByRole('region', {
      name: 'Last request',
      exact: true,
    });
    await request
      .getByText('Rolled back', { exact: true })
      .waitFor({ timeout: ROLLOUT_END_TIMEOUT_MS });
    await expect(request.getByRole('alert').innerText()).resolves.toMatch(
      /failed its gates: success-rate of \S+ \(green\) was [\d.]+% \(at least 99%\)\. The routes are back as they were before the rollout\./,
    );

    // The step that failed shows the gate's query, its value below the threshold, and 'fail'.
    const steps = request.getByRole('list', { name: 'Steps of the rollout' });
    await expect(
      steps.getByText('failed', { exact: true }).count(),
    ).resolves.toBe(1);
    const failedGate = steps
      .getByRole('row')
      .filter({ has: alice.getByRole('cell', { name: 'Success rate' }) })
      .filter({ has: alice.getByRole('cell', { name: 'fail', exact: true }) });
    const [gate, service, query, value, threshold] = await failedGate
      .first()
      .getByRole('cell')
      .allInnerTexts();
    expect({ gate, service, threshold }).toEqual({
      gate: 'Success rate',
      service: expect.stringMatching(/\(green\)$/),
      threshold: '≥ 99%',
    });
    expect(query).toContain('istio_requests_total{reporter="destination"');
    expect(query).toContain('destination_version="green"');
    expect(query).toContain(`[${INTERVAL_SECONDS}s]`);
    expect(parseFloat(value)).toBeLessThan(99);

    // The routes are the snapshot's again, in the cluster and in the tab's state.
    expect(await weights()).toEqual({ blue: 70, green: 30 });
    await state.waitFor({ timeout: 30_000 });
    await expect(
      request.getByLabel('Traffic now', { exact: true }).innerText(),
    ).resolves.toBe('green 30% · blue 70%');
    await screenshot(alice, 'rollout-rolled-back');
  });
});
