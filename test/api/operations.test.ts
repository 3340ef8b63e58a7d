/** Background operations: one per kind at a time, results and errors kept for polling. */
import { describe, expect, it } from 'vitest';
import { Operations } from '../../src/api/operations.ts';
import { FirmwardenError } from '../../src/errors.ts';
import { captureLogger } from '../helpers/capture-logger.ts';

function ops() {
  return new Operations({
    logger: captureLogger('silent').logger,
    now: () => Date.parse('2026-01-01T00:00:00Z'),
  });
}

describe('operations', () => {
  it('returns the running operation instead of starting a second of the same kind', async () => {
    const o = ops();
    let release!: (v: unknown) => void;
    const first = o.start('inventory-refresh', 'ops', () => new Promise((r) => (release = r)));
    const second = o.start('inventory-refresh', 'viewer', async () => 'never');
    expect(first.created).toBe(true);
    expect(second).toEqual({ op: first.op, created: false });
    const other = o.start('backup-check', 'ops', async () => ({ servers: 0 }));
    expect(other.created).toBe(true);
    release({ done: true });
    await o.idle();
    expect(o.get(first.op.id)).toMatchObject({
      status: 'succeeded',
      result: { done: true },
      finishedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(o.start('inventory-refresh', 'ops', async () => 1).created).toBe(true);
  });

  it('keeps the code and message of a failure', async () => {
    const o = ops();
    const { op } = o.start('backup-check', 'ops', async () => {
      throw new FirmwardenError('FW_ERR_CATALOG', 'catalog.yaml: bad');
    });
    await o.idle();
    expect(o.get(op.id)).toMatchObject({ status: 'failed', error: { code: 'FW_ERR_CATALOG' } });
  });

  it('stop() aborts the signal running work gets', async () => {
    const o = ops();
    const { op } = o.start(
      'inventory-refresh',
      'ops',
      (signal) => new Promise((_r, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    );
    await o.stop();
    expect(o.get(op.id)).toMatchObject({ status: 'failed', error: { code: 'FW_ERR_JOB_CANCELLED' } });
  });
});
