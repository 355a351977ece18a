/**
 * The order jest hands entries to its two workers: the slowest first, so neither is left running a long one alone at
 * the end. jest orders by the durations of the last run, kept in its cache; without them (a first run, CI) it goes by
 * file size, and an entry is a few import lines: the heaviest entries ran last. Here an entry with no recorded
 * duration weighs its own size plus its suite modules', twice over on EventStoreDB (the wire-level server about
 * doubles a suite's CPU).
 */
import TestSequencer from '@jest/test-sequencer';
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const Sequencer = TestSequencer.default ?? TestSequencer;
const suiteImport = /^import '(\.{1,2}\/[^']+\.suite)\.js';$/gm;

function weight(test) {
  const source = readFileSync(test.path, 'utf8');
  let bytes = source.length;
  for (const [, module] of source.matchAll(suiteImport))
    bytes += statSync(resolve(dirname(test.path), `${module}.ts`)).size;
  return test.context.config.displayName?.name === 'eventstoredb-wire' ? 2 * bytes : bytes;
}

export default class SlowestFirst extends Sequencer {
  sort(tests) {
    const weights = new Map(tests.map((test) => [test, weight(test)]));
    for (const test of tests) test.duration = this.time(test);
    // As jest does: failed first, then those never timed (heaviest first), then the timed (slowest first).
    const rank = (test) => (this.hasFailed(test) ? 0 : 2) + (test.duration == null ? 0 : 1);
    return tests.sort(
      (a, b) =>
        rank(a) - rank(b) ||
        (a.duration != null && b.duration != null ? b.duration - a.duration : weights.get(b) - weights.get(a)),
    );
  }
}
