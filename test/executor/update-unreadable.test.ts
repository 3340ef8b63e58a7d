/** An unreadable server is a failure of the update, never "nothing to do". */
import { describe, expect, it } from 'vitest';
import type { ImageStore } from '../../src/catalog/image-store.ts';
import { defaultDeps } from '../../src/deps.ts';
import { MemoryJournal } from '../../src/executor/journal.ts';
import { updateFleet } from '../../src/executor/update-fleet.ts';
import { plan } from '../../src/planner/index.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { catalogOf, entry, fleetOf, server } from '../planner/helpers.ts';

describe('update of a server whose BMC could not be read', () => {
  it('fails with the reason (rc 1 in the CLI), and nothing is sent', async () => {
    const down = server('r1', [], { error: { code: 'FW_ERR_CONNECTION', message: 'connect ECONNREFUSED' } });
    const p = plan(fleetOf(down), catalogOf([entry('bios', { version: '6.4.0' })]));
    const report = await updateFleet(
      [{ server: { name: 'r1', bmc: down.bmc, labels: {}, client: { url: down.bmc } }, plan: p.servers[0]! }],
      defaultDeps({ logger: captureLogger().logger }),
      { store: {} as ImageStore, journal: new MemoryJournal() },
    );
    expect(report.failed).toBe(1);
    expect(report.unchanged).toBe(0);
    expect(report.servers[0]?.error?.code).toBe('FW_ERR_UNREADABLE');
    expect(report.servers[0]?.error?.message).toMatch(/ECONNREFUSED/);
  });
});
