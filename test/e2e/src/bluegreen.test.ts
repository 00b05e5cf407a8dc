import { Browser, Page } from 'playwright-core';
import { launchBrowser, openPortal, screenshot } from './browser';
import { readStackInfo } from './stack/stack';

// myapp's VirtualService as seeded from test/kube-test-server/scenarios/myapp.yaml.
const MYAPP_VIRTUAL_SERVICE =
  '/apis/networking.istio.io/v1/namespaces/myapp/virtualservices/myapp';

/** A real Kubernetes request to the test server, as kubectl would send it. */
async function kube(path: string, init: RequestInit = {}) {
  const { kubeUrl, kubeToken } = readStackInfo();
  const response = await fetch(`${kubeUrl}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${kubeToken}`, ...init.headers },
  });
  if (!response.ok) {
    throw new Error(
      `${init.method ?? 'GET'} ${path} answered ${
        response.status
      }: ${await response.text()}`,
    );
  }
  return response.json();
}

function mergePatch(path: string, patch: unknown) {
  return kube(path, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/merge-patch+json' },
    body: JSON.stringify(patch),
  });
}

function weightedRoute(weights: { v1: number; v2: number }) {
  return [
    {
      route: (['v1', 'v2'] as const).map(subset => ({
        destination: { host: 'myapp', port: { number: 80 }, subset },
        weight: weights[subset],
      })),
    },
  ];
}

function splitBar(page: Page, name: string) {
  return page.getByRole('img', { name });
}

describe('the Blue/Green tab', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("shows pii-demo's blue and green with their hosts and the round-robin split", async () => {
    const page = await openPortal(
      browser,
      '/catalog/default/component/pii-demo/bluegreen',
      'carol',
    );
    const blue = page.getByRole('region', { name: 'colour blue' });
    const green = page.getByRole('region', { name: 'colour green' });
    await blue.getByText('pii-demo-blue.apps.hl.test').waitFor();
    await green.getByText('pii-demo-green.apps.hl.test').waitFor();
    await blue.getByText('mysql-server', { exact: true }).waitFor();
    await splitBar(
      page,
      'pii-demo.apps.hl.test: blue 50%, green 50%',
    ).waitFor();
    await page.getByText(/^Round robin: the route names no subset/).waitFor();
    await page
      .getByRole('region', { name: 'TCP affinity' })
      .getByText('TCP rule 2')
      .waitFor();
    await screenshot(page, 'bluegreen-pii-demo');
    await page.close();
  });

  it("shows myapp's 50/50 and follows a weight change in the cluster without a reload", async () => {
    const page = await openPortal(
      browser,
      '/catalog/default/component/myapp/bluegreen',
      'alice',
    );
    await splitBar(page, 'myapp.example.com: v1 50%, v2 50%').waitFor();
    await page.getByRole('region', { name: 'colour v1' }).waitFor();
    await screenshot(page, 'bluegreen-myapp');

    const original = await kube(MYAPP_VIRTUAL_SERVICE);
    const navigations: string[] = [];
    page.on('framenavigated', frame => navigations.push(frame.url()));
    try {
      await mergePatch(MYAPP_VIRTUAL_SERVICE, {
        spec: { http: weightedRoute({ v1: 0, v2: 100 }) },
      });
      await splitBar(page, 'myapp.example.com: v1 0%, v2 100%').waitFor({
        timeout: 30_000,
      });
      await page
        .getByRole('region', { name: 'colour v2' })
        .getByText('ACTIVE')
        .waitFor();
      expect(navigations).toEqual([]);
      await screenshot(page, 'bluegreen-myapp-after-cutover');
    } finally {
      await mergePatch(MYAPP_VIRTUAL_SERVICE, {
        spec: { http: original.spec.http },
      });
    }
    await splitBar(page, 'myapp.example.com: v1 50%, v2 50%').waitFor({
      timeout: 30_000,
    });
    await page.close();
  });

  it('explains where an in-mesh request from a green pod lands', async () => {
    const page = await openPortal(
      browser,
      '/catalog/default/component/pii-demo/bluegreen',
      'carol',
    );
    const form = page.getByRole('form', { name: 'Explain a request' });
    const host = form.getByRole('textbox', { name: /^Host/ });
    await host.fill('httpd-server');
    await form.getByLabel('Caller pod labels').fill('version=green');
    await form.getByRole('button', { name: 'Explain' }).click();

    await page
      .getByText('Matched HTTP rule 2 of pii-demo/httpd-server', {
        exact: false,
      })
      .waitFor();
    await page
      .getByText(
        'Why: match block 2 holds: in-mesh callers labelled version=green',
      )
      .waitFor();
    await page.getByText('Earlier rules skipped').waitFor();
    await page.getByText(/^HTTP rule 1: .*version=blue/).waitFor();
    await page.getByText(/^pods httpd-server-green-/).waitFor();
    await page.getByText('Lands on').scrollIntoViewIfNeeded();
    await screenshot(page, 'bluegreen-explainer');
    await page.close();
  });

  it('puts the split and readiness on the overview, linked to the tab', async () => {
    const page = await openPortal(
      browser,
      '/catalog/default/component/myapp',
      'bob',
    );
    await splitBar(page, 'myapp.example.com: v1 50%, v2 50%').waitFor();
    await page.getByText('2/2 ready').first().waitFor();
    await screenshot(page, 'bluegreen-overview-card');
    await page
      .getByRole('link', { name: /Colours, routes and findings/ })
      .click();
    await page.waitForURL(/\/catalog\/default\/component\/myapp\/bluegreen$/);
    await page.getByRole('region', { name: 'colour v2' }).waitFor();
    await page.close();
  });
});
