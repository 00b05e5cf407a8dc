/*
 * Cutovers in the portal, end to end: people sign in through the demo's provider, request a
 * cutover on the Blue/Green tab, approve it on the approvals page as someone else, and watch the
 * split move in the first person's tab without a reload; the test server's objects are checked
 * directly.
 *
 * The e2e files share one stack and run one after the other in an order jest chooses, and the
 * Blue/Green tab tests read myapp's and pii-demo's 50/50. So every test here leaves the entities as
 * it found them: after each test, open requests are cancelled and an applied cutover is rolled back
 * through the API.
 */
import { Browser, Locator, Page } from 'playwright-core';
import {
  DemoUsername,
  fetchAsPage,
  launchBrowser,
  openPortal,
  screenshot,
} from './browser';
import { readStackInfo } from './stack/stack';

const MYAPP = 'component:default/myapp';
const PII_DEMO = 'component:default/pii-demo';
const MYAPP_TAB = '/catalog/default/component/myapp/bluegreen';
const PII_DEMO_TAB = '/catalog/default/component/pii-demo/bluegreen';
const MYAPP_VIRTUAL_SERVICE =
  '/apis/networking.istio.io/v1beta1/namespaces/myapp/virtualservices/myapp';
const MYSQL_VIRTUAL_SERVICE =
  '/apis/networking.istio.io/v1beta1/namespaces/pii-demo/virtualservices/mysql-server';

/** A Cutover as the API answers (the fields these tests read). */
interface ApiCutover {
  id: string;
  entityRef: string;
  status: string;
  requestedBy: string;
  approvalsRequired: number;
}

/** A GET to the Kubernetes test server, as kubectl would send it: the body as sent. */
async function kubeText(path: string): Promise<string> {
  const { kubeUrl, kubeToken } = readStackInfo();
  const response = await fetch(`${kubeUrl}${path}`, {
    headers: { Authorization: `Bearer ${kubeToken}` },
  });
  const body = await response.text();
  if (!response.ok) {
    throw new Error(`GET ${path} answered ${response.status}: ${body}`);
  }
  return body;
}

/** myapp's shared route as `subset weight` pairs, e.g. `{ v1: 0, v2: 100 }`. */
async function myappWeights(): Promise<Record<string, number>> {
  const vs = JSON.parse(await kubeText(MYAPP_VIRTUAL_SERVICE));
  const route: Array<{ destination: { subset: string }; weight?: number }> =
    vs.spec.http[0].route;
  return Object.fromEntries(
    route.map(r => [r.destination.subset, r.weight ?? 0]),
  );
}

/** The blue/green API, called from a signed-in page with that user's own session. */
async function api<T = any>(
  page: Page,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetchAsPage(page, `/api/bluegreen${path}`, {
    method,
    ...(body !== undefined && {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  });
  let parsed: any = response.body;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed };
}

async function apiOk<T = any>(
  page: Page,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await api<T>(page, method, path, body);
  if (response.status >= 300) {
    throw new Error(
      `${method} ${path} answered ${response.status}: ${JSON.stringify(
        response.body,
      )}`,
    );
  }
  return response.body;
}

async function waitForStatus(
  page: Page,
  id: string,
  statuses: string[],
  timeoutMs = 30_000,
): Promise<ApiCutover> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const cutover = await apiOk<ApiCutover>(page, 'GET', `/cutovers/${id}`);
    if (statuses.includes(cutover.status)) {
      return cutover;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `cutover ${id} is ${cutover.status}, not ${statuses.join(' or ')}`,
      );
    }
    await new Promise(r => setTimeout(r, 250));
  }
}

/**
 * How long an open tab may take to follow a cutover. It should take a moment (a signal on every
 * transition); the tab's safety poll, every 30 seconds, is the bound when a signal is missed.
 */
const FOLLOW_TIMEOUT_MS = 45_000;

const ENDED = [
  'applied',
  'rejected',
  'cancelled',
  'expired',
  'failed',
  'superseded',
];

function splitBar(page: Page, name: string) {
  return page.getByRole('img', { name });
}

/** The text of every rule the tab lists, group by group, except the shared-split group. */
async function nonSharedRoutes(page: Page): Promise<Record<string, string[]>> {
  const groups: Record<string, string[]> = {};
  for (const title of [
    'Colour hosts',
    'Mesh affinity',
    'TCP affinity',
    'Other rules',
  ]) {
    const group = page.getByRole('region', { name: title, exact: true });
    if ((await group.count()) > 0) {
      groups[title] = await group.locator(':scope > ul > li').allInnerTexts();
    }
  }
  return groups;
}

/** The hosts each colour panel lists as pinned to it (the panel's text from its heading on). */
async function colourHosts(page: Page, colours: string[]) {
  const hosts: Record<string, string> = {};
  for (const colour of colours) {
    const text = await page
      .getByRole('region', { name: `colour ${colour}` })
      .innerText();
    const at = text.search(/hosts pinned to/i);
    expect(at).toBeGreaterThanOrEqual(0);
    hosts[colour] = text.slice(at);
  }
  return hosts;
}

/** Ticks the warnings acknowledgement when the preview asks for one. */
async function acknowledgeWarningsIfAsked(dialog: Locator) {
  const tick = dialog.getByRole('checkbox', {
    name: /I have read the warnings/,
  });
  if ((await tick.count()) > 0) {
    await tick.check();
  }
}

describe('cutovers in the portal', () => {
  let browser: Browser;
  /** One signed-in page per user, for API calls (set-up and clean-up), opened on first use. */
  const apiPages = new Map<DemoUsername, Promise<Page>>();
  const pages: Page[] = [];

  function signedIn(user: DemoUsername): Promise<Page> {
    if (!apiPages.has(user)) {
      apiPages.set(user, openPortal(browser, '/settings', user));
    }
    return apiPages.get(user)!;
  }

  async function open(urlPath: string, user: DemoUsername) {
    const page = await openPortal(browser, urlPath, user);
    pages.push(page);
    return page;
  }

  /**
   * Puts the entity back as the test found it: cancels the open request (as its requester),
   * waits for one being applied, then rolls back what was applied since, if anything.
   */
  async function restore(entityRef: string, requester: DemoUsername) {
    const page = await signedIn(requester);
    const openOnes = await apiOk<{ items: ApiCutover[] }>(
      page,
      'GET',
      `/cutovers?entityRef=${encodeURIComponent(
        entityRef,
      )}&status=requested,approved,applying`,
    );
    for (const cutover of openOnes.items) {
      if (cutover.status === 'requested') {
        const owner = (cutover.requestedBy.split('/')[1] ??
          requester) as DemoUsername;
        await api(
          await signedIn(owner),
          'POST',
          `/cutovers/${cutover.id}/cancel`,
          {
            comment: 'e2e clean-up',
          },
        );
      }
      await waitForStatus(page, cutover.id, ENDED);
    }
    const preview = await apiOk(page, 'POST', '/cutovers/preview', {
      entityRef,
      action: { action: 'rollback' },
    });
    if (preview.canRequest) {
      const rollback = await apiOk<ApiCutover>(page, 'POST', '/cutovers', {
        entityRef,
        action: { action: 'rollback' },
        reason: 'e2e clean-up: back to how the test found it',
        acknowledgeWarnings: preview.needsAcknowledgement || undefined,
      });
      await waitForStatus(page, rollback.id, ['applied']);
    }
  }

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterEach(async () => {
    for (const page of pages.splice(0)) {
      await page.close();
    }
    await restore(MYAPP, 'alice');
    await restore(PII_DEMO, 'carol');
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('alice requests switching myapp to v2, bob approves it on the approvals page, and her tab follows without a reload', async () => {
    const { outputDir } = readStackInfo();
    expect(await myappWeights()).toEqual({ v1: 50, v2: 50 });

    const alice = await open(MYAPP_TAB, 'alice');
    const navigations: string[] = [];
    alice.on('framenavigated', frame => {
      if (frame === alice.mainFrame()) {
        navigations.push(frame.url());
      }
    });
    await splitBar(alice, 'myapp.example.com: v1 50%, v2 50%').waitFor();

    await alice.getByRole('button', { name: 'Switch to v2' }).click();
    const dialog = alice.getByRole('dialog', { name: 'Switch to v2: preview' });
    const checks = dialog.getByRole('list', { name: 'Pre-flight checks' });
    await checks.getByText('Ready pods: passed').waitFor();
    await checks.getByText('Kubernetes dry run: passed').waitFor();
    await dialog
      .getByRole('img', { name: 'myapp.example.com before: v1 50%, v2 50%' })
      .waitFor();
    await dialog
      .getByRole('img', { name: 'myapp.example.com after: v1 0%, v2 100%' })
      .waitFor();
    const diff = dialog.getByLabel('diff of VirtualService myapp/myapp');
    // Only the two weights change (the YAML as the test server holds it, indented as it is).
    expect(await diff.locator('ins').allInnerTexts()).toEqual([
      expect.stringMatching(/^\+\s+weight: 0$/),
      expect.stringMatching(/^\+\s+weight: 100$/),
    ]);
    expect(await diff.locator('del').allInnerTexts()).toEqual([
      expect.stringMatching(/^-\s+weight: 50$/),
      expect.stringMatching(/^-\s+weight: 50$/),
    ]);

    const submit = dialog.getByRole('button', {
      name: 'Request approval: Switch to v2',
    });
    expect(await submit.isDisabled()).toBe(true);
    await dialog
      .getByRole('textbox', { name: /Reason/ })
      .fill('JIRA-42: release v2 to everyone');
    // Waits until it can be pressed (enabled and settled) without pressing it.
    await submit.click({ trial: true });
    expect(await submit.isEnabled()).toBe(true);
    // Tall enough that the whole dialog (checks, split, diff, reason) is in the picture.
    await alice.setViewportSize({ width: 1440, height: 2000 });
    await alice.screenshot({ path: `${outputDir}/cutover-dialog.png` });
    await alice.setViewportSize({ width: 1440, height: 1000 });
    await submit.click();
    await dialog.waitFor({ state: 'detached' });

    const pending = alice.getByRole('region', {
      name: 'Open request',
      exact: true,
    });
    await pending.getByText('Awaiting approval').waitFor();
    await pending.getByText('JIRA-42: release v2 to everyone').waitFor();
    await pending.getByText('0 of 1 approval').waitFor();
    await pending.getByText('You cannot approve your own request.').waitFor();
    expect(await pending.getByRole('button', { name: 'Approve' }).count()).toBe(
      0,
    );
    expect(
      await pending.getByRole('button', { name: 'Cancel request' }).count(),
    ).toBe(1);
    // While it is open, no other request can be made, and the actions say why.
    await alice
      .getByRole('region', { name: 'Release actions' })
      .getByText('a request is open')
      .first()
      .waitFor();
    expect(
      await alice.getByRole('button', { name: 'Set split…' }).isDisabled(),
    ).toBe(true);
    await screenshot(alice, 'cutover-pending');

    const bob = await open('/bluegreen', 'bob');
    const awaiting = bob.getByRole('table', { name: 'Awaiting your approval' });
    const row = awaiting.getByRole('row').filter({ hasText: 'myapp' });
    await row.getByText('JIRA-42: release v2 to everyone').waitFor();
    await row.getByText('alice', { exact: true }).waitFor();
    await screenshot(bob, 'cutover-approvals');
    await row
      .getByRole('button', { name: 'Approve Switch to v2 of myapp' })
      .click();
    const approval = bob.getByRole('dialog', {
      name: 'Approve: Switch to v2 of myapp',
    });
    await approval.getByRole('textbox', { name: 'Comment' }).fill('lgtm');
    await approval.getByRole('button', { name: 'Approve' }).click();
    await approval.waitFor({ state: 'detached' });

    // Alice's tab, untouched since: the panel follows the request to its end, the bars move.
    await splitBar(alice, 'myapp.example.com: v1 0%, v2 100%').waitFor({
      timeout: FOLLOW_TIMEOUT_MS,
    });
    const last = alice.getByRole('region', {
      name: 'Last request',
      exact: true,
    });
    await last
      .getByText('Applied', { exact: true })
      .waitFor({ timeout: FOLLOW_TIMEOUT_MS });
    await last.getByText(/^bob, /).waitFor();
    await alice
      .getByRole('region', { name: 'colour v2' })
      .getByText('ACTIVE')
      .waitFor();

    const history = alice.getByRole('region', { name: 'History', exact: true });
    await history
      .getByRole('button', { name: /Switch to v2 · Applied · alice/ })
      .click();
    const transitions = history.getByRole('list', {
      name: 'Switch to v2: transitions',
    });
    await transitions.getByText(/^applied by/).waitFor();
    const lines = await transitions.locator(':scope > li').allInnerTexts();
    expect(lines).toEqual([
      expect.stringMatching(/^requested by alice, /),
      expect.stringMatching(/^approved by bob, .*: “lgtm”$/),
      expect.stringMatching(/^started applying by /),
      expect.stringMatching(/^applied by /),
    ]);
    await history
      .getByLabel('diff of VirtualService myapp/myapp')
      .scrollIntoViewIfNeeded();
    await screenshot(alice, 'cutover-applied');
    expect(navigations).toEqual([]);

    expect(await myappWeights()).toEqual({ v1: 0, v2: 100 });
  });

  it('alice rolls myapp back from the tab, with no approval, and it returns to 50/50 without a reload', async () => {
    // Its own cutover to undo, through the API: alice requests, bob approves.
    const aliceApi = await signedIn('alice');
    const bobApi = await signedIn('bob');
    const requested = await apiOk<ApiCutover>(aliceApi, 'POST', '/cutovers', {
      entityRef: MYAPP,
      action: { action: 'switch', colour: 'v2' },
      reason: 'e2e: something to roll back',
    });
    await apiOk(bobApi, 'POST', `/cutovers/${requested.id}/approve`, {});
    await waitForStatus(aliceApi, requested.id, ['applied']);
    expect(await myappWeights()).toEqual({ v1: 0, v2: 100 });

    const alice = await open(MYAPP_TAB, 'alice');
    const navigations: string[] = [];
    alice.on('framenavigated', frame => {
      if (frame === alice.mainFrame()) {
        navigations.push(frame.url());
      }
    });
    await splitBar(alice, 'myapp.example.com: v1 0%, v2 100%').waitFor();
    const rollBack = alice.getByRole('button', {
      name: 'Roll back to v1 50% · v2 50%',
    });
    await rollBack.click();
    const dialog = alice.getByRole('dialog', { name: 'Roll back: preview' });
    await dialog
      .getByRole('list', { name: 'Pre-flight checks' })
      .getByText('Something to roll back: passed')
      .waitFor();
    await dialog
      .getByRole('img', { name: 'myapp.example.com after: v1 50%, v2 50%' })
      .waitFor();
    await dialog
      .getByRole('textbox', { name: /Reason/ })
      .fill('v2 misbehaves: back to 50/50');
    await acknowledgeWarningsIfAsked(dialog);
    // A rollback restores routes that were live and approved: no approval, it applies at once.
    await dialog.getByRole('button', { name: 'Apply: Roll back' }).click();
    await dialog.waitFor({ state: 'detached' });

    await splitBar(alice, 'myapp.example.com: v1 50%, v2 50%').waitFor({
      timeout: FOLLOW_TIMEOUT_MS,
    });
    await alice
      .getByRole('region', { name: 'Last request', exact: true })
      .getByText('Applied', { exact: true })
      .waitFor({ timeout: FOLLOW_TIMEOUT_MS });
    await alice
      .getByRole('region', { name: 'History', exact: true })
      .getByRole('button', { name: /^Roll back · Applied · alice/ })
      .first()
      .waitFor();
    await screenshot(alice, 'cutover-rolled-back');
    expect(navigations).toEqual([]);
    expect(await myappWeights()).toEqual({ v1: 50, v2: 50 });
  });

  it('carol switches pii-demo to green; bob may not approve it, paul does; colour hosts, affinity and the TCP route stay as they were', async () => {
    const mysqlBefore = await kubeText(MYSQL_VIRTUAL_SERVICE);

    const carol = await open(PII_DEMO_TAB, 'carol');
    await splitBar(
      carol,
      'pii-demo.apps.hl.test: blue 50%, green 50%',
    ).waitFor();
    await carol
      .getByRole('region', { name: 'TCP affinity' })
      .getByText('TCP rule 2')
      .waitFor();
    const routesBefore = await nonSharedRoutes(carol);
    const hostsBefore = await colourHosts(carol, ['blue', 'green']);
    // The colour hosts double as the in-mesh affinity rules.
    expect(Object.keys(routesBefore)).toEqual(['Colour hosts', 'TCP affinity']);
    expect(routesBefore['Colour hosts']).toEqual([
      expect.stringContaining('also mesh affinity'),
      expect.stringContaining('also mesh affinity'),
    ]);
    expect(routesBefore['TCP affinity']).toHaveLength(2);

    await carol.getByRole('button', { name: 'Switch to green' }).click();
    const dialog = carol.getByRole('dialog', {
      name: 'Switch to green: preview',
    });
    const checks = dialog.getByRole('list', { name: 'Pre-flight checks' });
    await checks.getByText('Ready pods: passed').waitFor();
    await screenshot(carol, 'cutover-pii-demo-dialog');
    // The one change is the shared host's rule (HTTP rule 3), nothing else.
    expect(await checks.innerText()).toContain(
      'Changes HTTP rule 3 of VirtualService pii-demo/httpd-server.',
    );
    await dialog
      .getByRole('img', {
        name: 'pii-demo.apps.hl.test after: blue 0%, green 100%',
      })
      .waitFor();
    await dialog.getByRole('textbox', { name: /Reason/ }).fill('CHG-7: green');
    await acknowledgeWarningsIfAsked(dialog);
    await dialog
      .getByRole('button', { name: 'Request approval: Switch to green' })
      .click();
    await dialog.waitFor({ state: 'detached' });
    await carol
      .getByRole('region', { name: 'Open request', exact: true })
      .getByText('Awaiting approval')
      .waitFor();

    // bob (web-team) owns nothing of pii-demo: the page does not offer it to him, nor does the API.
    const bob = await open('/bluegreen', 'bob');
    await bob
      .getByRole('table', { name: 'Recent requests' })
      .getByRole('row')
      .filter({ hasText: 'CHG-7: green' })
      .waitFor();
    await bob.getByText('No request is waiting for your approval.').waitFor();
    expect(
      await bob
        .getByRole('button', { name: 'Approve Switch to green of pii-demo' })
        .count(),
    ).toBe(0);
    const listed = await apiOk<{ items: ApiCutover[] }>(
      await signedIn('bob'),
      'GET',
      `/cutovers?entityRef=${encodeURIComponent(PII_DEMO)}&status=requested`,
    );
    expect(listed.items).toHaveLength(1);
    const refused = await api(
      await signedIn('bob'),
      'POST',
      `/cutovers/${listed.items[0].id}/approve`,
      {},
    );
    expect(refused.status).toBe(403);

    // paul (platform team) may approve anything.
    const paul = await open('/bluegreen', 'paul');
    const row = paul
      .getByRole('table', { name: 'Awaiting your approval' })
      .getByRole('row')
      .filter({ hasText: 'CHG-7: green' });
    await row
      .getByRole('button', { name: 'Approve Switch to green of pii-demo' })
      .click();
    const approval = paul.getByRole('dialog', {
      name: 'Approve: Switch to green of pii-demo',
    });
    await approval
      .getByRole('textbox', { name: 'Comment' })
      .fill('platform: ok');
    await approval.getByRole('button', { name: 'Approve' }).click();
    await approval.waitFor({ state: 'detached' });

    await splitBar(carol, 'pii-demo.apps.hl.test: blue 0%, green 100%').waitFor(
      { timeout: FOLLOW_TIMEOUT_MS },
    );
    await carol
      .getByRole('region', { name: 'Last request', exact: true })
      .getByText('Applied', { exact: true })
      .waitFor({ timeout: FOLLOW_TIMEOUT_MS });
    expect(await nonSharedRoutes(carol)).toEqual(routesBefore);
    expect(await colourHosts(carol, ['blue', 'green'])).toEqual(hostsBefore);
    await screenshot(carol, 'cutover-pii-demo-applied');

    expect(await kubeText(MYSQL_VIRTUAL_SERVICE)).toBe(mysqlBefore);
  });
});
