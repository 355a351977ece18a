import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The folder holding regledger's package.json, from the sources or from dist/. */
export function packageRoot(from: string = import.meta.dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

export const DEMO_FILE = join(packageRoot(), 'examples', 'huawei-2019.json');
