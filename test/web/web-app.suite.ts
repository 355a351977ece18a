/**
 * The auditor's web app, end to end in headless Chromium on the demo history:
 * sign in, find huawei, ask the demo question at two valid and record times,
 * move "As known at", draw the two clocks, step through a replay, download a
 * report, see another client's command arrive without a reload, the measure
 * page, a phone-width screen and print. axe-core finds no serious or critical
 * violation. One server and one browser for the suite. With
 * REGLEDGER_SCREENSHOTS=<dir>, a screenshot of each page goes there (a
 * full-page PNG costs more than most tests here, so only when asked).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_FILE, packageRoot } from '../../src/package-root.js';
import { WEB_APP_CSP } from '../../src/web/web-app.js';
import { launchBrowser } from '../support/browser.js';
import { bearer, KEYS, startTestApp, type TestApp } from '../support/http-app.js';

describe('web/web-app', () => {
  const SHOTS = process.env.REGLEDGER_SCREENSHOTS;
  const AXE = readFileSync(join(packageRoot(), 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  const QUESTION = '/subjects/huawei?category=exports/existing-handset-support';

  let t: TestApp;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** What the browser refused under the app's CSP. */
  const refused: string[] = [];

  beforeAll(async () => {
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
    t = await startTestApp();
    await t.http
      .post('/v1/commands/batch')
      .set(bearer('writer'))
      .send(JSON.parse(readFileSync(DEMO_FILE, 'utf8')))
      .expect(200);
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1100, height: 900 }, acceptDownloads: true });
    // The app's pages under the CSP it documents (the server's own headers are the deployment's concern); axe goes in through evaluate, which the CSP does not govern.
    await context.route(
      (url) => !url.pathname.startsWith('/v1/') && !url.pathname.startsWith('/assets/'),
      async (route) => {
        const response = await route.fetch();
        await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': WEB_APP_CSP } });
      },
    );
    page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const shot = async (name: string) => {
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
  const verdict = () => page.getByRole('status');

  async function seriousViolations(): Promise<string[]> {
    await page.evaluate(AXE);
    const result = await page.evaluate(async () => {
      const axe = (
        globalThis as unknown as {
          axe: {
            run(): Promise<{
              violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
            }>;
          };
        }
      ).axe;
      return (await axe.run()).violations;
    });
    return result
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }

  describe('the auditor, in a browser', () => {
    it('is served at / without a key, signs in with one, and finds huawei through the search', async () => {
      await page.goto(`${base}/`);
      expect(await seriousViolations()).toEqual([]);
      await page.getByLabel('API key').fill('not-a-key');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toContain(
        'That key was not accepted: the API key is not known',
      );
      await shot('sign-in');
      await page.getByLabel('API key').fill(KEYS.reader);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByLabel('Subject or measure').fill('huaw');
      await page.getByRole('option', { name: /^huawei subject/ }).click();
      await page.waitForURL(`${base}/subjects/huawei`);
      await verdict()
        .filter({ hasText: /^restricted$/ })
        .waitFor();
      expect(await page.evaluate("sessionStorage.getItem('regledger.apiKey')")).toBe(KEYS.reader);
    });

    it('answers the demo question at 2019-06-30: not restricted, on the Temporary General License (84 FR 23468)', async () => {
      await page.goto(`${base}${QUESTION}&at=2019-06-30`);
      await page
        .getByRole('status')
        .filter({ hasText: /^not restricted$/ })
        .waitFor();
      const explanation = page.getByRole('list', { name: 'Explanation' });
      await expect(explanation.textContent()).resolves.toContain('84 FR 23468');
      expect(await explanation.getByRole('link', { name: '84 FR 23468' }).first().getAttribute('href')).toBe(
        'https://www.federalregister.gov/citation/84-FR-23468',
      );
      expect(await page.getByLabel('Valid time', { exact: true }).inputValue()).toBe('2019-06-30');
      await shot('subject-2019-06-30');
    });

    it('at 2019-08-20 as known at the third record: restricted, naming the licence’s end; moving "As known at" changes the answer', async () => {
      await page.goto(`${base}${QUESTION}&at=2019-08-20&asOfPosition=3`);
      await page
        .getByRole('status')
        .filter({ hasText: /^restricted$/ })
        .waitFor();
      await expect(page.getByRole('list', { name: 'Explanation' }).textContent()).resolves.toContain(
        'it ended on 2019-08-20',
      );
      await expect(page.locator('#record-shown').textContent()).resolves.toMatch(
        /^record 3 of 7: position 3, recorded .*EasingAnnounced/,
      );
      await page.locator('.clocks-chart svg').first().waitFor();
      expect(await seriousViolations()).toEqual([]);
      await shot('subject-2019-08-20-as-known-at-3');
      // The sixth record extended the licence to 2019-11-19: as known at the last record, not restricted.
      await page.getByLabel('As known at record', { exact: true }).fill('7');
      await page
        .getByRole('status')
        .filter({ hasText: /^not restricted$/ })
        .waitFor();
      expect(page.url()).toContain('asOfPosition=7');
      await expect(page.getByRole('list', { name: 'Explanation' }).textContent()).resolves.toContain('84 FR 43487');
      // A record time before anything was recorded: the ledger says it does not know.
      await page.getByLabel('As known at', { exact: true }).fill('2019-07-01');
      await page.getByRole('button', { name: 'Ask' }).click();
      await page.getByRole('status').filter({ hasText: 'unknown to the ledger' }).waitFor();
      await expect(page.getByRole('region', { name: 'Notices' }).textContent()).resolves.toContain(
        'precedes the first recorded event',
      );
      await expect(page.locator('#record-shown').textContent()).resolves.toBe(
        'before the first record: nothing known yet',
      );
      expect(await page.getByLabel('As known at record', { exact: true }).inputValue()).toBe('0');
    });

    it('draws the two clocks, one row per record, and a click on the chart moves the question', async () => {
      await page.goto(`${base}${QUESTION}&at=2019-08-20&asOfPosition=3`);
      const chart = page.getByRole('img', { name: /as known at each of 7 records/ });
      await chart.waitFor();
      const before = page.url();
      await expect(chart.textContent()).resolves.toMatch(/restricted.*exempt.*free/);
      // The chart proper (after the legend's swatches): latest record on top, valid time across.
      const svg = page.locator('.clocks-chart svg[viewBox]').last();
      const box = (await svg.boundingBox())!;
      await svg.click({ position: { x: box.width * 0.7, y: box.height * 0.35 } });
      await page.waitForURL((url) => url.toString() !== before);
      const asked = new URL(page.url()).searchParams;
      expect(asked.get('at')).toMatch(/^2019-1\d-\d\d$/);
      expect(Number(asked.get('asOfPosition'))).toBeGreaterThan(3);
      await page.locator('#record-shown', { hasText: `position ${asked.get('asOfPosition')},` }).waitFor();
      await page
        .getByRole('status')
        .filter({ hasText: /^restricted$/ })
        .waitFor();
    });

    it('steps through a replay in record order and in valid order, with the causes', async () => {
      await page.goto(`${base}${QUESTION}&at=2019-08-20`);
      const replay = page.getByRole('region', { name: 'Replay' });
      await replay.getByText('Step 1 of 7').waitFor();
      await expect(replay.getByRole('heading', { level: 3 }).textContent()).resolves.toContain(
        'RestrictionImposed at position 1 (84 FR 22961)',
      );
      await replay.getByRole('button', { name: 'Next step' }).click();
      await replay.getByText('Step 2 of 7').waitFor();
      await expect(replay.getByRole('heading', { level: 3 }).textContent()).resolves.toContain(
        'ExemptionGranted at position 2 (84 FR 23468)',
      );
      await expect(replay.locator('.diff').textContent()).resolves.toContain('exports/existing-handset-support');
      await expect(replay.textContent()).resolves.toContain('Caused by');
      await shot('replay');
      await replay.getByLabel('Order').selectOption('valid');
      await replay.getByText(/^Step 1 of \d+$/).waitFor();
      await expect(replay.getByRole('heading', { level: 3 }).textContent()).resolves.toMatch(/in force from 2019-05-1/);
    });

    it('downloads the report of the current question', async () => {
      const reports = page.getByRole('region', { name: 'Report of this question' });
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        reports.getByRole('button', { name: 'Download Markdown' }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/huawei.*\.md$/);
      const text = readFileSync(await download.path(), 'utf8');
      expect(text).toContain('huawei');
      expect(text).toContain('exports/existing-handset-support');
      expect(text).toContain('84 FR 23468');
    });

    it('shows a command recorded by another client without a reload', async () => {
      // The feed fixes "from now" before it answers: once the page has its headers, a later write reaches it.
      const feedOpen = page.waitForResponse((response) => new URL(response.url()).pathname === '/v1/changes');
      await page.goto(`${base}${QUESTION}&at=2019-08-20`);
      await page
        .getByRole('status')
        .filter({ hasText: /^not restricted$/ })
        .waitFor();
      await page.evaluate('window.notReloaded = true');
      expect((await feedOpen).status()).toBe(200);
      await t.http
        .post('/v1/commands')
        .set(bearer('writer'))
        .send({
          type: 'ImposeRestriction',
          measureId: 'late-handset-rule',
          title: 'Handset support ban',
          jurisdiction: 'US',
          authority: 'BIS',
          subjects: ['huawei'],
          categories: ['exports/existing-handset-support'],
          effectiveFrom: '2019-01-01',
          citation: '99 FR 1',
        })
        .expect(201);
      await page
        .getByRole('status')
        .filter({ hasText: /^restricted$/ })
        .waitFor({ timeout: 10_000 });
      await expect(page.locator('.live').textContent()).resolves.toContain(
        'RestrictionImposed of late-handset-rule at position 8',
      );
      expect(await page.evaluate('window.notReloaded')).toBe(true);
      await expect(page.locator('#record-shown').textContent()).resolves.toMatch(/^record 8 of 8/);
      await shot('live-update');
    });

    it('shows the measure page: subjects, scope, exemptions and its events over valid time', async () => {
      await page.goto(`${base}/measures/us-ear-entity-list-huawei?at=2019-06-30`);
      await page.getByRole('heading', { level: 1, name: /Entity List: Huawei/ }).waitFor();
      await expect(page.getByRole('status').textContent()).resolves.toBe('in force');
      await expect(page.locator('main').textContent()).resolves.toContain('tgl-huawei “Temporary General License”');
      await expect(page.getByRole('table').textContent()).resolves.toContain('84 FR 43487');
      expect(await seriousViolations()).toEqual([]);
      await shot('measure');
    });

    it('works by keyboard, on a phone-width screen, and in print', async () => {
      await page.goto(`${base}/`);
      await page.keyboard.press('Tab'); // the skip link
      await page.keyboard.press('Tab'); // regledger
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement?.id')).toBe('find');
      await page.keyboard.type('us-ear');
      await page.getByRole('option').first().waitFor();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await page.waitForURL(`${base}/measures/us-ear-entity-list-huawei`);

      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${base}${QUESTION}&at=2019-08-20&asOfPosition=3`);
      await page
        .getByRole('status')
        .filter({ hasText: /^restricted$/ })
        .waitFor();
      await page.locator('.clocks-chart svg').first().waitFor();
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await shot('subject-phone');

      await page.emulateMedia({ media: 'print' });
      expect(await page.getByRole('button', { name: 'Ask' }).isVisible()).toBe(false);
      expect(await page.getByRole('status').isVisible()).toBe(true);
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.length).toBeGreaterThan(10_000);
      await page.emulateMedia({ media: 'screen' });
      await page.setViewportSize({ width: 1100, height: 900 });
    });

    it('signs out: the key leaves the tab', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('API key').waitFor();
      expect(await page.evaluate("sessionStorage.getItem('regledger.apiKey')")).toBeNull();
    });

    it('needs nothing its Content-Security-Policy refuses', () => {
      expect(refused).toEqual([]);
    });
  });
});
