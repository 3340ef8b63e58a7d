/**
 * What a one-BMC `firmwarden inventory --bmc` or `probe --bmc` loads before it sends a request
 * (issue #17: one-BMC inventory ≤ 400 ms wall; most of its start-up is Node loading modules). A
 * static walk of the import statements from the command module and what main.ts loads for every
 * command: `import type` is erased and `import()` runs only where it is called, every other import
 * loads its module (with verbatimModuleSyntax, even `import { type X }` does). Dependencies the
 * command needs only on another path (a fleet file, --replay, an update) must stay behind an
 * `import()`, or the gain regresses without any test noticing.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Matches one import or re-export statement and captures its specifier. */
const STATIC_IMPORT =
  /^\s*(?:import|export)\s+(?!type\s)(?:[^;'"]*?\sfrom\s+)?['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;

/** The specifiers a source file loads when it is imported (its static, non-type imports). */
function staticImports(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(STATIC_IMPORT)) {
    const spec = m[1] ?? m[2];
    if (spec) found.push(spec);
  }
  return found;
}

/** Walks the static graph from `entries` (repository paths): repository files and bare packages. */
function staticGraph(entries: string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = entries.map((e) => join(ROOT, e));
  for (let file = todo.pop(); file; file = todo.pop()) {
    const rel = relative(ROOT, file);
    if (files.has(rel)) continue;
    files.add(rel);
    for (const spec of staticImports(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) todo.push(resolve(dirname(file), spec));
      else packages.add(spec);
    }
  }
  return { files, packages };
}

/** main.ts imports these for every command it runs (its Promise.all next to command.load()). */
const RUN_ANY_COMMAND = ['src/cli/main.ts', 'src/deps.ts', 'src/cli/signals.ts', 'src/cli/log-setup.ts'];

/** Modules and packages a one-BMC inventory or probe must not load, and what each is for. */
const NOT_FOR_ONE_BMC_FILES: Array<[RegExp, string]> = [
  [/^src\/catalog\//, 'the catalog importers (xml2js, sax)'],
  [/^src\/planner\//, 'the planner'],
  [/^src\/store\//, 'the job store (node:sqlite, pg)'],
  [/^src\/simulator\//, 'the simulator'],
  [/^src\/executor\/install\.ts$/, 'the install pipeline'],
  [/^src\/executor\/deliver\.ts$|^src\/redfish\/multipart\.ts$/, 'image delivery (update only)'],
  [/^src\/fleet\/load\.ts$/, 'the fleet file loader (yaml, fleet schema): only with --fleet'],
  [/^src\/probe\/replay-server\.ts$/, 'the trace replay server: only with --replay'],
];
const NOT_FOR_ONE_BMC_PACKAGES = ['yaml', 'xml2js', 'sax', 'node:sqlite', 'pg', 'bree', 'undici'];

describe('one-BMC start-up imports', () => {
  it('reads static imports and ignores type-only and dynamic ones', () => {
    const src = [
      "import { a } from './a.ts';",
      "import type { B } from './b.ts';",
      "import {\n  type C,\n  d,\n} from 'pkg-d';",
      "import { type E } from './e.ts';",
      "import './side.ts';",
      "export { f } from './f.ts';",
      "export type { G } from './g.ts';",
      "const h = await import('./h.ts');",
    ].join('\n');
    expect(staticImports(src)).toEqual(['./a.ts', 'pkg-d', './e.ts', './side.ts', './f.ts']);
  });

  it.each([
    { command: 'inventory', entry: 'src/cli/inventory-command.ts', allowed: [] as string[] },
    // probe/update-plan.ts takes simpleTargets from executor/install.ts, which imports the catalog
    // model and the delivery code; moving it out of install.ts would drop those too (not done yet).
    {
      command: 'probe',
      entry: 'src/cli/probe-command.ts',
      allowed: [
        'src/executor/install.ts',
        'src/executor/deliver.ts',
        'src/redfish/multipart.ts',
        'src/catalog/',
      ],
    },
  ])(
    '$command --bmc does not load the catalog importer, store, simulator, yaml or undici index',
    ({ entry, allowed }) => {
      const { files, packages } = staticGraph([entry, ...RUN_ANY_COMMAND]);
      // The walk found the path a request takes, so an empty graph cannot pass.
      expect(files).toContain('src/redfish/transport.ts');
      const banned = [...files]
        .filter((f) => !allowed.some((a) => f.startsWith(a)))
        .flatMap((f) => NOT_FOR_ONE_BMC_FILES.filter(([re]) => re.test(f)).map(([, why]) => `${f} (${why})`));
      expect(banned).toEqual([]);
      expect([...packages].filter((p) => NOT_FOR_ONE_BMC_PACKAGES.includes(p))).toEqual([]);
    },
  );
});
