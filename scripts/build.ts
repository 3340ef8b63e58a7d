/**
 * Builds the published package into dist/: compiles src/ and jobs/ to JavaScript with .d.ts files
 * (tsconfig.build.json), and copies the non-TypeScript files src/ reads at run time (the
 * dashboard's browser script and stylesheet). Node runs the .ts sources in the repository, but
 * does not strip types under node_modules, so the installed package must ship JavaScript.
 *
 *   npm run build        (also runs on `npm install` in the repository and on `npm pack`)
 */
import { spawnSync } from 'node:child_process';
import { cp, readdir, rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

/** Files under src/ that are not code the compiler emits and are not read at run time. */
const NOT_SHIPPED = new Set(['.ts', '.md']);

await rm(dist, { recursive: true, force: true });
// tsc from the repository's own typescript (the one `npx tsc --noEmit` checks with).
const tsc = spawnSync(
  process.execPath,
  [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')],
  { stdio: 'inherit' },
);
if (tsc.status !== 0) {
  process.stderr.write(`build: tsc exited with ${tsc.status ?? tsc.signal}\n`);
  process.exit(1);
}
let copied = 0;
for (const entry of await readdir(join(root, 'src'), { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || NOT_SHIPPED.has(extname(entry.name))) continue;
  const rel = join(entry.parentPath, entry.name).slice(root.length);
  await cp(join(root, rel), join(dist, rel));
  copied++;
}
process.stderr.write(`build: dist/ compiled, ${copied} assets copied\n`);
