import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { measureViewSteps } from '../../projections/measure-view.js';
import { ReadModelService } from '../../src/queries/read-model.service.js';
import { imposeBody } from '../support/commands.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';

/** An entity list names thousands of subjects at once: each is checked, stored and listed, in linear time. */
describe('e2e/wide-measures', () => {
  let t: TestApp;
  // The served default body limit (1 MB): a list of thousands of ids is larger than the tests' usual 64 KB.
  beforeAll(async () => {
    t = await startTestApp({ bodyLimit: '1mb' });
  });
  afterAll(() => t?.close());
  const SUBJECTS = Array.from({ length: 20_000 }, (_, i) => `entity-${i}`);

  it('refuses a command naming one subject twice, naming the field and the rule, and writes nothing', async () => {
    const head = await t.store.headPosition();
    const response = await t.http
      .post('/v1/commands')
      .set(bearer('writer'))
      .send(imposeBody({ measureId: 'twice', subjects: ['a', 'b', 'a'] }));
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([
      expect.objectContaining({
        field: 'subjects',
        rule: 'arrayUnique',
        message: "subjects's elements must be unique",
      }),
    ]);
    expect(await t.store.headPosition()).toBe(head);
  });

  it('records a measure of 20,000 subjects and lists every one of them, in slices', async () => {
    // At most 10,000 subjects per command: the rest added by a second one.
    await t.http
      .post('/v1/commands')
      .set(bearer('writer'))
      .send(imposeBody({ measureId: 'wide', subjects: SUBJECTS.slice(0, 10_000) }))
      .expect(201);
    await t.http
      .post('/v1/commands')
      .set(bearer('writer'))
      .send({ type: 'AddSubjects', measureId: 'wide', subjects: SUBJECTS.slice(10_000), effectiveFrom: '2019-06-01' })
      .expect(201);
    const view = await t.http.get('/v1/measures/wide?at=2020-01-01').set(bearer('reader')).expect(200);
    expect(view.body.subjects).toEqual([...SUBJECTS].sort());
    const state = await t.http.get('/v1/subjects/entity-19999/state?at=2020-01-01').set(bearer('reader')).expect(200);
    expect(state.body.restricted.map((r: { measureId: string }) => r.measureId)).toContain('wide');

    // The server lets other requests run between slices of the view: it pauses every few thousand subjects.
    const model = await t.app.get(ReadModelService).current();
    const steps = measureViewSteps(model, 'wide', { at: Date.UTC(2020, 0, 1), asOfPosition: model.position });
    let pauses = 0;
    for (let step = steps.next(); !step.done; step = steps.next()) pauses++;
    expect(pauses).toBeGreaterThanOrEqual(SUBJECTS.length / 2_000);
  });
});
