import { Browser } from 'playwright-core';
import { launchBrowser, openPortal, screenshot } from './browser';

describe('the demo portal', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('lists the demo components to a reader who belongs to no team', async () => {
    const page = await openPortal(browser, '/', 'vera');
    for (const name of ['pii-demo', 'myapp', 'progressive-app']) {
      await page.getByRole('link', { name, exact: true }).first().waitFor();
    }
    await screenshot(page, 'catalog');
    await page.close();
  });

  it("shows the pii-demo web tier's blue and green pods on the Kubernetes tab, to a reader too", async () => {
    const page = await openPortal(
      browser,
      '/catalog/default/component/pii-demo/kubernetes',
      'vera',
    );
    // The cluster is a collapsed accordion until opened.
    await page.getByText('demo', { exact: true }).first().click();
    await page
      .getByText(/httpd-server-blue/)
      .first()
      .waitFor();
    await page
      .getByText(/httpd-server-green/)
      .first()
      .waitFor();
    await screenshot(page, 'pii-demo-kubernetes');
    await page.close();
  });
});
