/**
 * The investigator's commands on the demo ledger: replay, explain, and export,
 * which writes the same report as the HTTP route, in every format, with the
 * same checks on its options. (One suite: one demo ledger and one start of the
 * framework for all of them.)
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoLedgerForCli, runCli } from '../support/cli.js';
import { parseSections } from '../support/csv.js';

describe('cli/investigate', () => {
  const { env, dir } = demoLedgerForCli();

  describe('regledger replay', () => {
    it('prints each step with who recorded it, its citation and what changed, without colour off a terminal', async () => {
      const result = await runCli(['replay', 'huawei-affiliate-aug-01'], env);
      expect(result.code).toBe(0);
      expect(result.stdout).not.toContain('\x1b[');
      expect(result.stdout).toMatch(/SubjectsAdded in us-ear-entity-list-huawei by cli:\S+ \(84 FR 43493\)/);
      expect(result.stdout).toMatch(/\+ restricted: exports except/);
    });

    it('gives the same steps as JSON, in valid order on request', async () => {
      const result = await runCli(['replay', 'huawei', '--order', 'valid', '--json'], env);
      const replay = JSON.parse(result.stdout) as {
        order: string;
        steps: { effectiveAt: string; provenance: { citation?: string } }[];
      };
      expect(replay.order).toBe('valid');
      const times = replay.steps.map((s) => s.effectiveAt);
      expect(times).toEqual([...times].sort());
      expect(replay.steps[0]!.provenance.citation).toBe('84 FR 22961');
    });

    it('exits 2 naming the option of a bad value', async () => {
      const result = await runCli(['replay', 'huawei', '--order', 'sideways'], env);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('order must be record or valid');
    });
  });

  describe('regledger explain', () => {
    it('says why 5G standards work was restricted after the August amendment', async () => {
      const result = await runCli(['explain', 'huawei', 'exports/5g-standards', '--at', '2019-09-01'], env);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('exports/5g-standards: RESTRICTED');
      expect(result.stdout).toContain('(84 FR 22961) restricts exports');
      expect(result.stdout).toMatch(/tgl-huawei .* does not cover exports\/5g-standards.*84 FR 43487/);
      expect(result.stdout).toMatch(/So on 2019-09-01, .* is restricted for huawei/);
    });

    it('as known before the extension was recorded, the licence had run out', async () => {
      const result = await runCli(
        [
          'explain',
          'huawei',
          'exports/existing-handset-support',
          '--at',
          '2019-09-01',
          '--as-of-position',
          '4',
          '--json',
        ],
        env,
      );
      const answer = JSON.parse(result.stdout) as {
        status: string;
        exemptions: unknown[];
        explanation: { kind: string; sentence: string }[];
      };
      expect(answer.status).toBe('restricted');
      expect(answer.exemptions).toEqual([]);
      // The licence covers the category but no longer applies: the explanation says so, and since when.
      expect(answer.explanation.filter((s) => s.kind === 'exemption').map((s) => s.sentence)).toEqual([
        expect.stringMatching(/^Exemption tgl-huawei .* does not apply on 2019-09-01: it ended on 2019-08-20\.$/),
      ]);
    });
  });

  describe('regledger export', () => {
    it('writes the HTML report to a file, and Markdown to standard output', async () => {
      const out = join(dir(), 'huawei.html');
      const html = await runCli(['export', 'huawei', '--at', '2019-06-30', '--out', out], env);
      expect(html.code).toBe(0);
      const page = readFileSync(out, 'utf8');
      expect(page).toMatch(/^<!doctype html>/);
      expect(page).toContain('84 FR 23468');
      const md = await runCli(['export', 'huawei', '--at', '2019-06-30', '--format', 'md'], env);
      expect(md.stdout).toContain('# Restriction report: huawei');
      expect((await runCli(['export', 'huawei', '--format', 'pdf'], env)).code).toBe(2);
    });

    it('writes the multi-section CSV with the verdicts on the categories asked', async () => {
      const out = join(dir(), 'huawei.csv');
      const result = await runCli(
        [
          'export',
          'huawei',
          '--format',
          'csv',
          '--at',
          '2019-06-30',
          '--categories',
          'exports/5g-standards,exports',
          '--out',
          out,
        ],
        env,
      );
      expect(result.code).toBe(0);
      const sections = parseSections(readFileSync(out, 'utf8'));
      expect(sections.get('summary')!.records[0]).toMatchObject({
        subject: 'huawei',
        subject_known: 'true',
        categories_from: 'asked',
      });
      expect(sections.get('verdicts')!.records.map((r) => [r.category, r.status])).toEqual([
        ['exports/5g-standards', 'not-restricted'],
        ['exports', 'partially-restricted'],
      ]);
      expect(sections.get('restricted')!.records[0]).toMatchObject({
        restricted_without_break_since: '2019-05-16T20:15:00.000Z',
        these_categories_since: '2019-05-20T00:00:00.000Z',
      });
    });

    it('gives as JSON a verdict on every category of the measures by default', async () => {
      const result = await runCli(['export', 'huawei', '--format', 'json', '--at', '2019-09-01'], env);
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as {
        categoriesFrom: string;
        verdicts: { category: string; status: string }[];
      };
      expect(report.categoriesFrom).toBe('default');
      expect(report.verdicts).toContainEqual(
        expect.objectContaining({ category: 'exports/5g-standards', status: 'restricted' }),
      );
    });

    it.each([
      [['--format', 'toString'], 'format must be one of json, md, html, csv'],
      [['--format', '__proto__'], 'format must be one of'],
      [['--categories', 'exports,,x'], 'categories must be categories'],
    ])('exits 2 naming the option of a bad value: %j', async (args, message) => {
      const result = await runCli(['export', 'huawei', ...args], env);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
    });
  });
});
