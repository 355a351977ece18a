/**
 * Property tests run with a fixed seed, so a red run can be replayed and CI
 * judges the code, not the dice. `FC_SEED=random npm test` explores new cases;
 * `FC_SEED=<n>` replays a reported seed.
 */
import fc from 'fast-check';

const seed = process.env.FC_SEED;
if (seed !== 'random') fc.configureGlobal({ seed: seed ? Number(seed) : 20261128 });
