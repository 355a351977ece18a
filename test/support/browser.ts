/**
 * Headless Chromium for the browser tests, brought by the lock file:
 * @sparticuz/chromium ships a Chromium build inside its npm package, launched
 * through playwright-core, so `npm test` needs nothing installed after
 * `npm ci`. CHROMIUM_PATH names another browser instead (Debian's chromium).
 */
import sparticuz from '@sparticuz/chromium';
import { chromium, type Browser } from 'playwright-core';

export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH;
  if (executablePath) return chromium.launch({ executablePath, args: ['--no-sandbox'], headless: true });
  return chromium.launch({ executablePath: await sparticuz.executablePath(), args: sparticuz.args, headless: true });
}
