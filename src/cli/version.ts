/** The package version the CLI reports, read from firmwarden's own package.json. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Returns firmwarden's version. The package.json sits two folders above this file in the sources
 * (src/cli/) and three in the build (dist/src/cli/), so it is looked for upwards, by name.
 */
export function packageVersion(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    const pkg = readPackage(join(dir, 'package.json'));
    if (pkg?.name === 'firmwarden' && typeof pkg.version === 'string') return pkg.version;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no firmwarden package.json above ${fileURLToPath(from)}`);
    dir = parent;
  }
}

function readPackage(file: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
