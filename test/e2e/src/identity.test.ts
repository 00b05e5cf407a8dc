import { Browser, Page } from 'playwright-core';
import {
  DemoUsername,
  fetchAsPage,
  launchBrowser,
  openPortal,
  screenshot,
} from './browser';
import { readStackInfo } from './stack/stack';

// myapp's VirtualService as seeded from test/kube-test-server/scenarios/myapp.yaml.
const MYAPP_VIRTUAL_SERVICE =
  '/apis/networking.istio.io/v1/namespaces/myapp/virtualservices/myapp';

/** Reads the VirtualService straight from the test server, as kubectl would. */
async function virtualServiceInCluster() {
  const { kubeUrl, kubeToken } = readStackInfo();
  const response = await fetch(`${kubeUrl}${MYAPP_VIRTUAL_SERVICE}`, {
    headers: { authorization: `Bearer ${kubeToken}` },
  });
  return response.json();
}

/** A merge patch through the Kubernetes plugin's proxy, with the page's own session. */
function patchThroughProxy(page: Page, patch: unknown) {
  return fetchAsPage(page, `/api/kubernetes/proxy${MYAPP_VIRTUAL_SERVICE}`, {
    method: 'PATCH',
    headers: {
      'Backstage-Kubernetes-Cluster': 'demo',
      'content-type': 'application/merge-patch+json',
    },
    body: JSON.stringify(patch),
  });
}

describe('signing in as the demo users', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function settingsOf(username: DemoUsername) {
    const page = await openPortal(browser, '/settings', username);
    await page.getByText('Profile').first().waitFor();
    return page;
  }

  it('shows each user their own name after the provider’s login form', async () => {
    for (const [username, name, other] of [
      ['alice', 'Alice Archer', 'Bob Baker'],
      ['bob', 'Bob Baker', 'Alice Archer'],
    ] as const) {
      const page = await settingsOf(username);
      await page.getByText(name).first().waitFor();
      await page.getByText(`${username}@demo.example`).first().waitFor();
      expect(await page.getByText(other).count()).toBe(0);
      await screenshot(page, `settings-${username}`);
      await page.close();
    }
  });

  it('shows the notifications bell, kept live through a signals connection', async () => {
    const page = await openPortal(browser, '/', 'bob');
    // After a reload the session comes back from the refresh cookie, and the page connects again.
    const [signals] = await Promise.all([
      page.waitForEvent('websocket', {
        predicate: ws => new URL(ws.url()).pathname === '/api/signals',
        timeout: 60_000,
      }),
      page.reload(),
    ]);
    await page.getByRole('link', { name: 'Notifications' }).waitFor();
    expect(signals.isClosed()).toBe(false);
    await screenshot(page, 'notifications-bell');
    await page.close();
  });

  it('refuses a team member’s PATCH through the Kubernetes proxy and allows the platform admin’s', async () => {
    const before = await virtualServiceInCluster();
    const alice = await settingsOf('alice');
    const refused = await patchThroughProxy(alice, {
      metadata: { labels: { 'patched-by': 'alice' } },
    });
    expect(refused.status).toBe(403);
    const unchanged = await virtualServiceInCluster();
    expect(unchanged.metadata.resourceVersion).toBe(
      before.metadata.resourceVersion,
    );
    expect(unchanged.spec).toEqual(before.spec);
    await alice.close();

    const paul = await settingsOf('paul');
    await paul.getByText('Paul Platt').first().waitFor();
    const allowed = await patchThroughProxy(paul, {
      metadata: { labels: { 'patched-by': 'paul' } },
    });
    expect(allowed.status).toBe(200);
    expect(
      (await virtualServiceInCluster()).metadata.labels['patched-by'],
    ).toBe('paul');
    // Leave the scenario as seeded for the other tests (labels only; the routes were not touched).
    await patchThroughProxy(paul, {
      metadata: { labels: { 'patched-by': null } },
    });
    await paul.close();
  });
});
