/**
 * `npm run test:suite -- test/e2e/commands.suite.ts`: one suite module alone (or several, or a folder's), in the
 * projects its entry runs in: the same settings as jest.config.js, matching `*.suite.ts` instead of `*.test.ts`.
 */
import config, { suitesOnBothStores } from './jest.config.js';

const asSuite = (pattern) => pattern.replace(/\.test\.ts$/, '.suite.ts');

export default {
  ...config,
  projects: config.projects.map((project) => ({
    ...project,
    testMatch: [
      ...project.testMatch.map(asSuite),
      ...(project.displayName === 'eventstoredb-wire' ? suitesOnBothStores.map((path) => `<rootDir>/${path}`) : []),
    ],
  })),
};
