/** `firmwarden plan --export csv|json`: the compliance export rows from the command line. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS, type ExportRow } from '../../src/api/compliance-export.ts';
import { planCommand } from '../../src/cli/plan-command.ts';
import { defaultDeps } from '../../src/deps.ts';
import { type SimFleet, startSimulatedFleet, writeSimulatedCatalog } from '../../src/simulator/index.ts';
import { captureLogger } from '../helpers/capture-logger.ts';

let fleet: SimFleet;
let dir: string;
let fleetFile: string;
let catalogFile: string;
beforeAll(async () => {
  fleet = await startSimulatedFleet({ count: 2, vendors: ['dell', 'hpe'], seed: 8 });
  dir = await mkdtemp(join(tmpdir(), 'fw-plan-export-'));
  ({ fleetFile } = await fleet.writeFleetFile(join(dir, 'fleet.yaml')));
  ({ catalogFile } = await writeSimulatedCatalog({ fleet, dir: join(dir, 'catalog'), components: ['bios'] }));
});
afterAll(async () => {
  await fleet?.close();
  await rm(dir, { recursive: true, force: true });
});

async function run(argv: string[]): Promise<string> {
  let out = '';
  const sink = new Writable({
    write(chunk, _enc, cb) {
      out += String(chunk);
      cb();
    },
  });
  await planCommand(argv, defaultDeps({ logger: captureLogger('silent').logger }), sink);
  return out;
}

describe('plan --export', () => {
  it('csv: a header and the same rows as json, BIOS outdated on both servers', async () => {
    const csv = await run(['--fleet', fleetFile, '--catalog', catalogFile, '--export', 'csv']);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(EXPORT_COLUMNS.join(','));
    const rows = JSON.parse(
      await run(['--fleet', fleetFile, '--catalog', catalogFile, '--export', 'json']),
    ) as ExportRow[];
    expect(rows).toHaveLength(lines.length - 1);
    const bios = rows.filter((r) => r.kind === 'bios');
    expect(new Set(bios.map((r) => r.server)).size).toBe(2);
    expect(
      bios.every((r) => r.compliance === 'outdated' && r.decision === 'upgrade' && r.target !== ''),
    ).toBe(true);
  });

  it('refuses another format as bad input', async () => {
    await expect(
      run(['--fleet', fleetFile, '--catalog', catalogFile, '--export', 'xlsx']),
    ).rejects.toMatchObject({
      code: 'FW_ERR_CONFIG',
      message: expect.stringContaining('--export expects csv or json'),
    });
  });
});
