/**
 * ts-jest, with what it compiles kept once for both jest projects. Jest keeps transformed files per project, and
 * ts-jest keys them by the whole project config, so on a cold cache (CI, a clean clone) every source file the
 * EventStoreDB project's entries load was compiled again after the SQLite project had compiled it. Compiling without
 * type information (tsconfig.json has isolatedModules), a file's output depends only on its text and path, the
 * compiler options, how jest loads it and the compilers' versions: that is the key it is kept under here.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import tsJest from 'ts-jest';

const require = createRequire(import.meta.url);
const versions = ['ts-jest', 'typescript'].map((name) => `${name}@${require(`${name}/package.json`).version}`);

export default {
  createTransformer(options) {
    const tsJestTransformer = tsJest.default.createTransformer(options);
    const setups = new Map();
    /** What, besides the file, the output depends on: computed once per project. */
    const setupOf = ({ config }) => {
      let setup = setups.get(config);
      if (!setup) {
        const tsconfig = readFileSync(resolve(config.rootDir, options.tsconfig ?? 'tsconfig.json'), 'utf8');
        const digest = createHash('sha1')
          .update(JSON.stringify([versions, options, tsconfig]))
          .digest('hex');
        setup = { digest, directory: join(config.cacheDirectory, 'ts-jest-shared') };
        setups.set(config, setup);
      }
      return setup;
    };
    const keyOf = (sourceText, sourcePath, transformOptions) =>
      createHash('sha1')
        .update(setupOf(transformOptions).digest)
        .update('\0')
        .update(sourcePath)
        .update('\0')
        .update(JSON.stringify([transformOptions.supportsStaticESM, transformOptions.instrument]))
        .update('\0')
        .update(sourceText)
        .digest('hex');
    const keptAt = (key, transformOptions) => join(setupOf(transformOptions).directory, key.slice(0, 2), key);
    const kept = (file) => {
      try {
        return JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        return undefined;
      }
    };
    const keep = (file, result) => {
      mkdirSync(dirname(file), { recursive: true });
      // Written whole, then renamed: the other worker may be reading or writing the same file at the same time.
      const partial = `${file}.${process.pid}`;
      writeFileSync(partial, JSON.stringify({ code: result.code, map: result.map }));
      renameSync(partial, file);
      return result;
    };
    return {
      canInstrument: false,
      getCacheKey: keyOf,
      process(sourceText, sourcePath, transformOptions) {
        const file = keptAt(keyOf(sourceText, sourcePath, transformOptions), transformOptions);
        return kept(file) ?? keep(file, tsJestTransformer.process(sourceText, sourcePath, transformOptions));
      },
      async processAsync(sourceText, sourcePath, transformOptions) {
        const file = keptAt(keyOf(sourceText, sourcePath, transformOptions), transformOptions);
        return kept(file) ?? keep(file, await tsJestTransformer.processAsync(sourceText, sourcePath, transformOptions));
      },
    };
  },
};
