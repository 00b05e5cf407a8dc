/*
 * A progressive rollout in the portal, end to end: alice starts one of progressive-app (blue 70 /
 * green 30 in the seed) to green on the Blue/Green tab, bob approves it, and alice's tab follows
 * it step by step to 100% with the gates' measurements and the charts beside it. Prometheus
 * (Debian's package) scrapes the traffic simulator, whose requests follow the live routes of the
 * stack's Kubernetes API test server.
 *
 * The backend reads Prometheus at app-config.yaml's bluegreen.prometheus.baseUrl, the demo's
 * 127.0.0.1:9090, so this file runs its Prometheus there: a demo running on the same machine
 * must be stopped first. It leaves progressive-app's routes as the seed has them.
 */
// Resolved through the workspace; test/e2e/package.json is to declare it (a lockfile change).
import {
  TestPrometheus,
  TrafficSimulator,
  startPrometheus,
  startTrafficSimulator,
} from '@internal/traffic-simulator';
import { Browser, Page } from 'playwright-core';
import { fetchAsPage, launchBrowser, openPortal, screenshot } from './browser';
import { readStackInfo } from './stack/stack';

const ENTITY = 'component:default/progressive-app';
const TAB = '/catalog/default/component/progressive-app/bluegreen';
const VIRTUAL_SERVICE =
  '/apis/networking.istio.io/v1beta1/namespaces/progressive/virtualservices/progressive-app';
const DEMO_PROMETHEUS_PORT = 9090;
const INTERVAL_SECONDS = 10;

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

describe('a progressive rollout in the portal', () => {
  let browser: Browser;
  let traffic: TrafficSimulator;
  let prometheus: TestPrometheus;
  let seedRoute: unknown;

  beforeAll(async () => {
    const { kubeUrl, kubeToken } = readStackInfo();
    seedRoute = (await kube(VIRTUAL_SERVICE)).spec.http[0].route;
    traffic = await startTrafficSimulator({
      kubernetes: { url: kubeUrl, token: kubeToken, skipTlsVerify: true },
      requestsPerSecond: 50,
      tickMs: 250,
    });
    prometheus = await startPrometheus({
      targets: [traffic.target],
      port: DEMO_PROMETHEUS_PORT,
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await prometheus?.stop();
    await traffic?.close();
    // Back to the seed's split, as an operator would set it: the next file reads 70/30.
    await kube(VIRTUAL_SERVICE, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json-patch+json' },
      body: JSON.stringify([
        { op: 'replace', path: '/spec/http/0/route', value: seedRoute },
      ]),
    });
  });

  it('is started in the tab, approved, and followed step by step to 100% with its measurements and charts', async () => {
    expect(await weights()).toEqual({ blue: 70, green: 30 });
    const alice = await openPortal(browser, TAB, 'alice');
    await alice
      .getByRole('button', { name: 'Progressive rollout…' })
      .click({ timeout: 60_000 });
    const settings = alice.getByRole('dialog', { name: 'Rollout settings' });
    // The form starts from the backend's defaults: the demo's 15 s interval (app-config.yaml).
    const interval = settings.getByRole('spinbutton', {
      name: 'Interval (seconds)',
    });
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
    await preview
      .getByRole('textbox', { name: /Reason/ })
      .fill('green 1.1.0 passed QA');
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
      .waitFor({ timeout: 90_000 });
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
});
