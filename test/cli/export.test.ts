/**
 * `regledger export` writes the same report as the HTTP route, in every
 * format, with the same checks on its options.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoLedgerForCli, runCli } from '../support/cli.js';
import { parseSections } from '../support/csv.js';

const { env, dir } = demoLedgerForCli();

describe('regledger export', () => {
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
