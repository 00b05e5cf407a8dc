import { Browser, Page, chromium } from 'playwright-core';
import path from 'node:path';
import { readStackInfo } from './stack/stack';

/** Debian's Chromium, with the flags this sandbox needs (no sandbox, no background traffic). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The demo users of examples/org.yaml (password `demo`), as the provider's login form knows them. */
export type DemoUsername = 'alice' | 'bob' | 'carol' | 'paul' | 'vera';

/**
 * Opens the portal at `urlPath` in a fresh browser context (no earlier session) and signs in as
 * `username` the way a person does: the sign-in page's button, the provider's login form in the
 * popup, back to the page asked for.
 */
export async function openPortal(
  browser: Browser,
  urlPath: string,
  username: DemoUsername,
): Promise<Page> {
  const { baseUrl } = readStackInfo();
  const page = await browser.newPage({
    viewport: { width: 1440, height: 1000 },
  });
  await page.goto(`${baseUrl}${urlPath}`);
  const signIn = page.getByRole('button', { name: /sign in/i });
  const [popup] = await Promise.all([
    page.waitForEvent('popup', { timeout: 60_000 }),
    signIn.click({ timeout: 60_000 }),
  ]);
  await popup.getByLabel('Username').fill(username);
  await popup.getByLabel('Password').fill('demo');
  await Promise.all([
    popup.waitForEvent('close'),
    popup.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  await signIn.waitFor({ state: 'detached' });
  return page;
}

/**
 * Calls the backend from the signed-in page with that page's own Backstage session (the refresh
 * cookie the sign-in left in the browser), as the portal's own requests are made.
 */
export async function fetchAsPage(
  page: Page,
  urlPath: string,
  init: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
  } = {},
): Promise<{ status: number; body: string }> {
  return page.evaluate(
    async ({ urlPath: p, init: i }) => {
      const session = await fetch('/api/auth/oidc/refresh?env=development', {
        headers: { 'x-requested-with': 'XMLHttpRequest' },
        credentials: 'include',
      });
      const { backstageIdentity } = await session.json();
      const response = await fetch(p, {
        ...i,
        headers: {
          ...i.headers,
          authorization: `Bearer ${backstageIdentity.token}`,
        },
      });
      return { status: response.status, body: await response.text() };
    },
    { urlPath, init },
  );
}

export async function screenshot(page: Page, name: string) {
  const { outputDir } = readStackInfo();
  await page.screenshot({
    path: path.join(outputDir, `${name}.png`),
    fullPage: true,
  });
}
