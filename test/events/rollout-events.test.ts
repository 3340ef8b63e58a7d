/**
 * A real rollout over the simulator, then the dispatcher over the journal it wrote: the receiver
 * gets the rollout's start, a success and a failure per component with the server as subject, the
 * failed server, and the pause the failure budget caused — the journal event names the driver and
 * executor really write, not ones made up for the test.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WebhookDispatcher } from '../../src/events/dispatcher.ts';
import { EventType } from '../../src/events/event-types.ts';
import { createRollout } from '../../src/rollout/create.ts';
import { driveRollout } from '../../src/rollout/driver.ts';
import { loadSpec } from '../../src/rollout/spec.ts';
import { rolloutBed } from '../rollout/helpers.ts';
import { type Receiver, startReceiver } from './receiver.ts';

const SECRET = 'rollout-hook-secret';
let bed: Awaited<ReturnType<typeof rolloutBed>>;
let rx: Receiver;

beforeAll(async () => {
  bed = await rolloutBed({
    sim: { count: 2, vendors: ['generic'], seed: 3 },
    components: ['bios'],
    spec: { waves: { canary: 0, batch: 2 }, maxUnavailable: 2, failureBudget: 1 },
  });
  bed.fleet.bmc('sim-0002').setUpdateFaults({ nextUpdateOnly: { applyFailed: true } });
  rx = await startReceiver({ secret: SECRET });
}, 60_000);
afterAll(async () => {
  await rx?.close();
  await bed?.close();
});

it('a rollout with one failing server becomes started, succeeded, failed, server-failed and paused events', async () => {
  const rollout = await createRollout(bed.store, await loadSpec(bed.specFile), { id: 'ev1' });
  const done = await driveRollout(rollout.id, bed.deps, { store: bed.store, stateDir: bed.stateDir });
  expect(done.status).toBe('paused');

  const d = new WebhookDispatcher({
    store: bed.store,
    deps: bed.deps,
    sink: { name: 'ops', url: rx.url, secretEnv: 'X', maxAttempts: 3, timeoutMs: 5_000, from: 'beginning' },
    secret: SECRET,
    actor: 'daemon:1@test',
  });
  await d.drain();
  expect(rx.rejected).toEqual([]);
  const seen = rx.events.map((e) => `${e.type} ${e.subject}`);
  expect(seen[0]).toBe(`${EventType.rolloutStarted} ev1`);
  expect(seen).toContain(`${EventType.updateSucceeded} sim-0001`);
  expect(seen).toContain(`${EventType.updateFailed} sim-0002`);
  expect(seen).toContain(`${EventType.rolloutServerDone} sim-0001`);
  expect(seen).toContain(`${EventType.rolloutServerFailed} sim-0002`);
  // The failure budget pauses the rollout once sim-0002 failed (sim-0001 may still be finishing).
  expect(seen.indexOf(`${EventType.rolloutPaused} ev1`)).toBeGreaterThan(
    seen.indexOf(`${EventType.rolloutServerFailed} sim-0002`),
  );
  const failed = rx.events.find((e) => e.type === EventType.updateFailed);
  expect(failed?.data).toMatchObject({ rollout: 'ev1', server: 'sim-0002', detail: { outcome: 'failed' } });
});
