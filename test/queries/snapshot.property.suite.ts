/**
 * A read model started from a snapshot taken at any position, then caught up
 * with the events after it, answers every query exactly as a model folded
 * from scratch: over random valid histories, a random snapshot position, and
 * events folded while the snapshot was being written (the write yields
 * between chunks, and must cut everything at the position it began at).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { join } from 'node:path';
import { InstantIndex } from '../../projections/instant-index.js';
import { evolve, initialState } from '../../projections/ledger-read-model.js';
import type { LoggedEvent } from '../../src/domain/recorded-fact.js';
import { checkCategory, subjectState, subjectTimeline } from '../../projections/subject-queries.js';
import { writeSnapshot } from '../../src/queries/read-model-snapshot.js';
import { readSnapshot, readTrailer } from '../../src/queries/read-model-snapshot-reading.js';
import { DAY, DAYS, EPOCH, historyArbitrary, SUBJECTS } from '../support/history-generator.js';
import { tempDir } from '../support/temp-dir.js';

describe('queries/snapshot.property', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  const LEDGER = { firstEventId: 'first', firstRecordedAt: '2030-01-01T00:00:00.000Z' };
  const probeTimes = Array.from({ length: 4 }, (_, i) => EPOCH - 2 * DAY + Math.round((i * (DAYS + 25) * DAY) / 4));

  function covers(event: LoggedEvent) {
    return {
      position: event.position.toString(),
      streamId: event.streamId,
      revision: event.revision.toString(),
      eventId: event.eventId,
    };
  }

  type Model = ReturnType<typeof initialState>;

  /** What a user can ask of the model, at every asOf position up to its head. */
  function answers(model: Model, instants: InstantIndex, positions: bigint[]) {
    const all: unknown[] = [];
    for (const asOfPosition of positions)
      for (const subject of [...SUBJECTS, 'stranger']) {
        all.push(subjectTimeline(model, subject, asOfPosition));
        for (const at of probeTimes) {
          all.push(subjectState(model, subject, { at, asOfPosition }));
          for (const category of ['x/y', 'y/y/x'])
            all.push(checkCategory(model, subject, category, { at, asOfPosition }));
        }
      }
    const feed: unknown[] = [];
    for (let t = instants.next(-Infinity); t !== undefined; t = instants.next(t))
      feed.push([t, [...instants.measuresAt(t)].sort()]);
    return { all, feed, position: model.position, eventCount: model.eventCount };
  }

  describe('a read model started from a snapshot', () => {
    it('answers as one folded from scratch, whatever the position of the snapshot and the events folded during its write', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(historyArbitrary, fc.nat(), fc.nat(), async (events, cutAt, foldedDuring) => {
          fc.pre(events.length > 0);
          const cut = 1 + (cutAt % events.length);
          const path = join(dir.path, `run-${run++}.snapshot`);
          const live = initialState();
          const liveInstants = new InstantIndex();
          const fold = (event: LoggedEvent) => {
            evolve(live, event);
            liveInstants.addEvent(event);
          };
          events.slice(0, cut).forEach(fold);
          const writing = writeSnapshot(path, live, liveInstants, LEDGER, covers(events[cut - 1]!), 'code');
          // The server folds on while the chunks are written: the snapshot must still stand for `cut`.
          events.slice(cut, cut + (foldedDuring % (events.length - cut + 1))).forEach(fold);
          await writing;

          const trailer = await readTrailer(path);
          expect(trailer.covers.position).toBe(String(events[cut - 1]!.position));
          const loaded = await readSnapshot(path, trailer);
          expect(loaded.model.position).toBe(events[cut - 1]!.position);
          for (const event of events.slice(cut)) {
            evolve(loaded.model, event);
            loaded.instants.addEvent(event);
          }
          const scratch = events.reduce(evolve, initialState());
          const scratchInstants = new InstantIndex();
          events.forEach((e) => scratchInstants.addEvent(e));
          const positions = [BigInt(cut - 1), BigInt(cut), BigInt(events.length)];
          expect(answers(loaded.model, loaded.instants, positions)).toEqual(
            answers(scratch, scratchInstants, positions),
          );
        }),
        { numRuns: 40 },
      );
    });

    it('holds the record clock, so asOf times map to the same positions', async () => {
      const events = fc.sample(historyArbitrary, { numRuns: 5, seed: 7 }).find((h) => h.length > 3)!;
      const model = events.reduce(evolve, initialState());
      const path = join(dir.path, 'clock.snapshot');
      await writeSnapshot(path, model, new InstantIndex(), LEDGER, covers(events.at(-1)!), 'code');
      const loaded = await readSnapshot(path, await readTrailer(path));
      expect(loaded.model.recordTimes).toEqual(model.recordTimes);
      expect(loaded.model.firstPositions).toEqual(model.firstPositions);
      expect(loaded.model.lastPositions).toEqual(model.lastPositions);
      expect(loaded.model.subjects).toEqual(model.subjects);
    });
  });
});
