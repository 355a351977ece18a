/**
 * `regledger timeline` with a window: where no interval falls in it, the CLI
 * says the subject was not restricted there, never that it was never
 * restricted (Huawei is restricted from 2019-05-16, after the windows asked).
 */
import { describe, expect, it } from '@jest/globals';
import { demoLedgerForCli, runCli } from '../support/cli.js';

describe('cli/timeline-window', () => {
  const demo = demoLedgerForCli();
  const timeline = async (...args: string[]) => {
    const result = await runCli(['timeline', 'huawei', ...args], demo.env);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    return result.stdout;
  };

  it('a window ending before the first restriction says the subject was not restricted before its end', async () => {
    const text = await timeline('--to', '2019-05-01');
    expect(text).toContain('not restricted before 2019-05-01T00:00:00.000Z');
    expect(text).not.toContain('never restricted');
  });

  it('a window with both ends before the first restriction names both', async () => {
    const text = await timeline('--from', '2019-01-01', '--to', '2019-05-01');
    expect(text).toContain('not restricted between 2019-01-01T00:00:00.000Z and 2019-05-01T00:00:00.000Z');
    expect(text).not.toContain('never restricted');
  });

  it('a window ending once the restriction holds shows its interval, and no claim of being unrestricted', async () => {
    const text = await timeline('--to', '2019-05-18');
    expect(text).toContain('2019-05-16T20:15:00.000Z → 2019-05-18T00:00:00.000Z');
    expect(text).not.toMatch(/never restricted|not restricted (before|between)/);
  });

  it('the JSON of an empty window keeps its bounds, so a reader can tell it from "never"', async () => {
    const answer = JSON.parse(await timeline('--to', '2019-05-01', '--json'));
    expect(answer).toMatchObject({ intervals: [], from: null, to: '2019-05-01T00:00:00.000Z' });
  });
});
