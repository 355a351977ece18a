/**
 * The Node version the project names (package.json's engines, the
 * Dockerfile's base image, the README) is one every installed package
 * supports: an upgrade that needs a newer Node (npm's EBADENGINE warning)
 * fails here rather than on an operator's `npm ci`.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { packageRoot } from '../../src/package-root.js';

describe('ops/engines', () => {
  const root = packageRoot();
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean }>;
  };
  /** The oldest version of each release line the engines admit (">=20.19 <21 || >=22.13": 20.19.0 and 22.13.0). */
  const oldestAdmitted = manifest.engines.node.split('||').map((range) => semver.minVersion(range.trim())!.version);

  describe('the Node version', () => {
    it('package-lock.json records the engines package.json declares', () => {
      expect(lock.packages['']!.engines).toEqual(manifest.engines);
    });

    it.each(oldestAdmitted)(
      'every installed package admits %s, the oldest Node a release line of the engines allows',
      (version) => {
        const refusing = Object.entries(lock.packages)
          .filter(
            ([path, entry]) =>
              path !== '' &&
              !Array.isArray(entry.engines) &&
              entry.engines?.node &&
              !semver.satisfies(version, entry.engines.node),
          )
          .map(
            ([path, entry]) =>
              `${path.replace(/^.*node_modules\//, '')} wants node ${(entry.engines as { node: string }).node}`,
          );
        expect(refusing).toEqual([]);
      },
    );

    it('is the one the Dockerfile builds and runs on and the README names', () => {
      const images = [...readFileSync(join(root, 'Dockerfile'), 'utf8').matchAll(/^FROM node:(\d+)[-.\w]*/gm)].map(
        (m) => m[1]!,
      );
      expect(images.length).toBeGreaterThan(0);
      for (const major of images) expect(semver.satisfies(`${major}.99.0`, manifest.engines.node)).toBe(true);
      const readme = readFileSync(join(root, 'README.md'), 'utf8');
      expect(readme).toContain(
        `Node.js ${semver.major(oldestAdmitted[0]!)} (${semver.major(oldestAdmitted[0]!)}.${semver.minor(oldestAdmitted[0]!)} or later`,
      );
    });
  });
});
