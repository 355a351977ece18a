/**
 * The auditor's report in every format; the HTML one rendered in headless
 * Chromium (Debian's package, driven by playwright-core), screenshotted, and
 * read back as a person would see it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { DEMO_FILE } from '../../src/package-root.js';
import { FakeClock } from '../support/fake-clock.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';
import { leaf, verifyInclusion } from '../support/rfc9162.js';
import { tempDir } from '../support/temp-dir.js';

/** Where Debian's chromium package puts the browser (.ci/run installs it). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clock: new FakeClock(Date.parse('2026-01-01T00:00:00Z')) });
  await t.http.post('/v1/commands/batch').set(bearer('writer')).send(JSON.parse(readFileSync(DEMO_FILE, 'utf8'))).expect(200);
});
afterAll(async () => t.close());

const report = (query: string) => t.http.get(`/v1/subjects/huawei/report?${query}`).set(bearer('reader'));

describe('GET /v1/subjects/{id}/report', () => {
  it('as JSON: state, basis with citations and sources, timeline, and a digest that proves every basis event', async () => {
    const { body } = await report('at=2019-06-30').expect(200);
    expect(body).toMatchObject({ subjectId: 'huawei', at: '2019-06-30T00:00:00.000Z' });
    expect(body.state.restricted[0]).toMatchObject({ measureId: 'us-ear-entity-list-huawei' });
    expect(body.basis.map((b: { citation: string }) => b.citation)).toEqual(expect.arrayContaining(['84 FR 22961', '84 FR 23468']));
    expect(body.basis[0].sources[0]).toMatchObject({ publishedAt: expect.any(String) });
    expect(body.timeline.intervals.length).toBeGreaterThan(0);
    const root = Buffer.from(body.digest.rootHash, 'hex');
    for (const b of body.basis) {
      const hash = leaf(Buffer.from(canonicalize(b.proof.leaf)!, 'utf8'));
      expect(verifyInclusion(b.proof.leafIndex, body.digest.treeSize, hash, b.proof.auditPath.map((h: string) => Buffer.from(h, 'hex')), root)).toBe(true);
    }
  });

  it('as Markdown and CSV', async () => {
    const md = await report('at=2019-06-30&format=md').expect(200).expect('content-type', /text\/markdown/);
    expect(md.text).toContain('# Restriction report: huawei');
    expect(md.text).toContain('84 FR 23468');
    const csv = await report('at=2019-06-30&format=csv').expect(200).expect('content-type', /text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('section,kind,measure,what,categories,from,until,citations,position,recorded_at,event_id,sources,recorded_by');
    expect(lines.some((l) => l.startsWith('state,restricted,us-ear-entity-list-huawei,'))).toBe(true);
    expect(lines.some((l) => l.startsWith('basis,ExemptionGranted,') && l.includes('84 FR 23468'))).toBe(true);
  });

  it('refuses an unknown format', async () => {
    expect((await report('format=pdf').expect(400)).body.details[0]).toMatchObject({ field: 'format' });
  });

  it('as one self-contained HTML file that renders in headless Chromium with the state and citations on the page', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH`);
    const html = (await report('at=2019-06-30&format=html').expect(200).expect('content-type', /text\/html/)).text;
    expect(html).not.toMatch(/<script|<link|src="http/i);
    const dir = tempDir();
    const file = join(dir.path, 'report.html');
    writeFileSync(file, html);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const failed: string[] = [];
      page.on('requestfailed', (r) => failed.push(r.url()));
      await page.goto(`file://${file}`);
      const shot = join(dir.path, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      const text = await page.innerText('body');
      expect(text).toContain('Restriction report: huawei');
      expect(text).toMatch(/restricted\s+us-ear-entity-list-huawei/);
      expect(text).toMatch(/exemption\s+us-ear-entity-list-huawei\s+tgl-huawei/);
      expect(text).toContain('84 FR 22961');
      expect(text).toContain('84 FR 23468');
      expect(text).toContain(`root hash`);
      expect(failed).toEqual([]);
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.length).toBeGreaterThan(5_000);
    } finally {
      await browser.close();
      dir.remove();
    }
  });
});
