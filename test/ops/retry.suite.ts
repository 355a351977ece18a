/** The one retry loop the store, the command executor and the subscription share. */
import { describe, expect, it } from '@jest/globals';
import { exponentialBackoff, retry } from '../../src/retry.js';

describe('ops/retry', () => {
  class Transient extends Error {}

  /** Work that fails with `failures` in turn, then answers 'done'. */
  function failing(...failures: Error[]) {
    const tries: number[] = [];
    const work = (attempt: number) => {
      tries.push(attempt);
      const failure = failures.shift();
      return failure ? Promise.reject(failure) : Promise.resolve('done');
    };
    return { work, tries };
  }

  describe('retry', () => {
    it('tries again after a failure shouldRetry accepts, pausing as delayMs says after each', async () => {
      const { work, tries } = failing(new Transient(), new Transient());
      const pauses: number[] = [];
      const answer = await retry(work, {
        attempts: 5,
        shouldRetry: (e) => e instanceof Transient,
        delayMs: (n) => (pauses.push(n), 0),
      });
      expect(answer).toBe('done');
      expect(tries).toEqual([1, 2, 3]);
      expect(pauses).toEqual([1, 2]);
    });

    it('throws a failure shouldRetry refuses at once, as it came', async () => {
      const fatal = new Error('fatal');
      const { work, tries } = failing(new Transient(), fatal);
      await expect(
        retry(work, { attempts: 5, shouldRetry: (e) => e instanceof Transient, delayMs: () => 0 }),
      ).rejects.toBe(fatal);
      expect(tries).toEqual([1, 2]);
    });

    it('throws the last failure once the attempts are spent', async () => {
      const last = new Transient('third');
      const { work, tries } = failing(new Transient(), new Transient(), last);
      await expect(retry(work, { attempts: 3, shouldRetry: () => true, delayMs: () => 0 })).rejects.toBe(last);
      expect(tries).toEqual([1, 2, 3]);
    });

    it('backs off exponentially from the first pause, up to the cap', () => {
      const backoff = exponentialBackoff(100, 1_000);
      expect([1, 2, 3, 4, 5, 6].map(backoff)).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    });
  });
});
