import { Browser, Page } from 'playwright-core';
import { launchBrowser, openPortal, screenshot } from './browser';

/*
 * The "Blue/green service on Istio" template in the demo's Create page: choose it, fill in the
 * form, review, run. The demo backend has no GitHub publisher, so the run stops at the publish
 * step; what matters here is that the manifests were rendered (the render step's log lists the
 * files) from what the form collected.
 */
describe('the blue/green service template', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  const next = (page: Page) =>
    // The last step's button leads to the review.
    page.getByRole('button', { name: /^(next|review)$/i }).click();

  it('renders the manifests from the form on /create', async () => {
    const page = await openPortal(browser, '/create', 'alice');
    const card = page
      .locator('[class*=MuiCard-root]')
      .filter({ hasText: 'Blue/green service on Istio' });
    await card.waitFor({ timeout: 60_000 });
    await page
      .getByText('Add blue/green routing to an existing service')
      .first()
      .waitFor();
    await screenshot(page, 'scaffolder-templates');
    await card.getByRole('button', { name: /choose/i }).click();

    // Service
    await page.getByLabel('Name').first().fill('shop');
    await page.getByLabel('Description').first().fill('Web shop');
    const owner = page.getByLabel('Owner').first();
    await owner.click();
    await owner.fill('platform');
    await page
      .getByRole('option', { name: /platform-team/ })
      .first()
      .click();
    await screenshot(page, 'scaffolder-form-service');
    await next(page);

    // Blue/green release
    await page
      .getByLabel('Container image')
      .first()
      .fill('ghcr.io/acme/shop:1.0');
    await page.getByLabel('Domain').first().fill('apps.example.com');
    await screenshot(page, 'scaffolder-form-release');
    await next(page);

    // Repository
    await page.getByLabel('Owner').first().fill('acme');
    await page.getByLabel('Repository').first().fill('shop');
    await page.keyboard.press('Tab');
    await screenshot(page, 'scaffolder-form-repository');
    await next(page);

    // Review
    const create = page.getByRole('button', { name: /^create$/i });
    await create.waitFor();
    await screenshot(page, 'scaffolder-review');
    await create.click();

    await page.waitForURL(/\/create\/tasks\//, { timeout: 60_000 });
    // The demo has no GitHub publisher: the run stops there, after rendering.
    await page
      .getByText(/publish:github' is not registered/)
      .first()
      .waitFor({ timeout: 60_000 });
    await page.getByPlaceholder('Search').fill('Wrote');
    await page
      .getByText(
        /Wrote 7 objects for blue\/green to k8s: k8s\/namespace\.yaml, k8s\/gateway\.yaml, k8s\/shop\/deployment-blue\.yaml/,
      )
      .first()
      .waitFor();
    await screenshot(page, 'scaffolder-task');
    await page.close();
  });
});
