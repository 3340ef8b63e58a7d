/**
 * Catalog import benchmark: wall time and peak RSS of loadCatalog for the real Dell 11G catalog
 * (3.4 MB) and for a generated Dell-format catalog ten times its size (every SoftwareComponent
 * and SoftwareBundle repeated with fresh package ids and paths). Each import runs in its own
 * child process so the peaks do not mix. Prints figures; asserts nothing.
 *
 *   node bench/catalog-import.ts
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../src/catalog/index.ts';

const CATALOG_11G = fileURLToPath(
  new URL('../test/fixtures/catalog/dell/dell-poweredge-11g-Catalog.xml', import.meta.url),
);
const COPIES = 10;

interface Figures {
  file: string;
  megabytes: number;
  ms: number;
  peakRssMb: number;
  entries: number;
  skipped: number;
}

/** Child mode: import one file and print its figures as JSON. */
async function measure(file: string): Promise<void> {
  const { size } = statSync(file);
  const start = performance.now();
  const catalog = await loadCatalog(file, { maxBytes: 1024 * 1024 * 1024 });
  const ms = performance.now() - start;
  const figures: Figures = {
    file,
    megabytes: size / 1e6,
    ms,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    entries: catalog.entries.length,
    skipped: catalog.skipped.length,
  };
  console.log(JSON.stringify(figures));
}

/** The 11G catalog with its components and bundles repeated `copies` times under new names. */
async function generate(copies: number): Promise<string> {
  const text = (await readFile(CATALOG_11G, 'utf8')).replace(/^\uFEFF/, '');
  const open = text.indexOf('>', text.indexOf('<Manifest')) + 1;
  const close = text.lastIndexOf('</Manifest>');
  const body = text.slice(open, close);
  const parts = [text.slice(0, open)];
  for (let i = 0; i < copies; i++) {
    parts.push(
      body
        .replace(/(packageID|releaseID|bundleID)="([^"]*)"/g, (_m, attr, id) => `${attr}="${id}-${i}"`)
        .replace(/path="([^"]*)"/g, (_m, path) => `path="copy${i}/${path}"`),
    );
  }
  parts.push(text.slice(close));
  return parts.join('');
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    await measure(process.argv[3]!);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'fw-bench-catalog-'));
  try {
    const big = join(dir, `dell-${COPIES}x-Catalog.xml`);
    await writeFile(big, `\uFEFF${await generate(COPIES)}`);
    console.log('catalog                              MB   import ms   peak RSS MB   entries  skipped');
    for (const [label, file] of [
      ['Dell 11G (real)', CATALOG_11G],
      [`Dell 11G x${COPIES} (generated)`, big],
    ] as const) {
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', file], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      const f = JSON.parse(out.trim().split('\n').at(-1)!) as Figures;
      console.log(
        `${label.padEnd(32)} ${f.megabytes.toFixed(1).padStart(6)} ${f.ms.toFixed(0).padStart(11)} ${f.peakRssMb
          .toFixed(0)
          .padStart(13)} ${String(f.entries).padStart(9)} ${String(f.skipped).padStart(8)}`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
