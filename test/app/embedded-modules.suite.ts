/**
 * An embedded ledger never loads the EventStoreDB client (gRPC and its
 * protocol descriptions: half a second of every start, and memory for the
 * life of the process). The built server's modules are imported in a child
 * process whose module resolver refuses the client.
 */
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../src/package-root.js';

describe('app/embedded-modules', () => {
  const refuseClient = `data:text/javascript,${encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@eventstore/db-client')) throw new Error('loaded the EventStoreDB client from ' + context.parentURL);
  return next(specifier, context);
}`)}`;
  const register = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(refuseClient)});`)}`;

  describe('an embedded ledger', () => {
    it('loads the app and the command line without the EventStoreDB client', () => {
      const dist = join(packageRoot(), 'dist', 'src');
      const script = `await import(${JSON.stringify(join(dist, 'app.js'))}); await import(${JSON.stringify(join(dist, 'cli', 'program.js'))}); console.log('loaded');`;
      const output = execFileSync(process.execPath, ['--import', register, '--input-type=module', '-e', script], {
        encoding: 'utf8',
      });
      expect(output.trim()).toBe('loaded');
    });
  });
});
