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

/** Opens the portal and signs in as guest when the sign-in page asks. */
export async function openPortal(browser: Browser, urlPath = '/'): Promise<Page> {
  const { baseUrl } = readStackInfo();
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await page.goto(`${baseUrl}${urlPath}`);
  const guest = page.getByRole('button', { name: /enter/i });
  await Promise.race([
    guest.waitFor({ timeout: 60_000 }).then(() => guest.click()),
    page.getByText('Blue/Green Releases').first().waitFor({ timeout: 60_000 }),
  ]);
  return page;
}

export async function screenshot(page: Page, name: string) {
  const { outputDir } = readStackInfo();
  await page.screenshot({
    path: path.join(outputDir, `${name}.png`),
    fullPage: true,
  });
}
