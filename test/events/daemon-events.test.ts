/**
 * The daemon runs the webhook dispatchers beside its scheduler: journal entries written by another
 * process (a CLI on the same store) reach a signature-checking receiver; on stop the lease is
 * released and the cursor kept, so a restarted daemon sends only what is new; a webhook secret
 * that is not set stops the daemon from starting, naming the variable.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/daemon/daemon.ts';
import type { CloudEvent } from '../../src/events/cloudevents.ts';
import { type Bed, daemonBed } from '../daemon/helpers.ts';
import { type Receiver, startReceiver } from './receiver.ts';

const SECRET = 'daemon-hook-secret-0042';
const ENV = { FW_TEST_HOOK: SECRET };

let bed: Bed;
let rx: Receiver;
beforeEach(async () => {
  bed = await daemonBed(undefined, 'debug');
  rx = await startReceiver({ secret: SECRET });
});
afterEach(async () => {
  await rx.close();
  await bed.close();
});

async function until(what: string, cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const config = () =>
  bed.config({
    events: {
      pollSeconds: 0.05,
      webhooks: [{ name: 'ops', url: rx.url, secretEnv: 'FW_TEST_HOOK', allowHttp: true, from: 'beginning' }],
    },
  });

describe('daemon events', () => {
  it('delivers journal entries of other processes, keeps its cursor across a restart, releases its lease', async () => {
    const cfg = await config();
    const store = await bed.store();
    await store.append({ actor: 'cli:1@h', rolloutId: 'r7', event: 'drive-start' });
    const daemon = await startDaemon(cfg, bed.deps, { env: ENV });
    try {
      await store.append({
        actor: 'cli:1@h',
        rolloutId: 'r7',
        server: 'sim-0003',
        event: 'outcome',
        data: { component: 'BIOS', from: '1', to: '2', outcome: 'verified' },
      });
      await until('two events', () => rx.events.length === 2);
    } finally {
      await daemon.stop();
    }
    expect(rx.rejected).toEqual([]);
    expect(rx.events.map((e: CloudEvent) => [e.type, e.subject])).toEqual([
      ['io.firmwarden.rollout.started', 'r7'],
      ['io.firmwarden.update.succeeded', 'sim-0003'],
    ]);
    expect((await store.acquireLease('events:ops', 'probe', 1_000)).holder).toBe('probe');
    await store.releaseLease('events:ops', 'probe');

    const again = await startDaemon(await config(), bed.deps, { env: ENV });
    try {
      await store.append({ actor: 'cli:1@h', rolloutId: 'r7', event: 'rollout-completed' });
      await until('the third event', () => rx.events.length === 3);
    } finally {
      await again.stop();
    }
    expect(rx.events[2]?.type).toBe('io.firmwarden.rollout.completed');
    // The cursor survived the restart: nothing was replayed from the beginning. At-least-once
    // allows one repeat: the last delivery before a stop whose cursor write the stop cut short
    // (seen on a loaded machine).
    const firstId = rx.events[0]?.id;
    const ofFirst = rx.deliveries.filter(
      (d) => d.status >= 200 && d.status < 300 && (JSON.parse(d.body) as CloudEvent).id === firstId,
    );
    expect(ofFirst).toHaveLength(1);
    expect(rx.repeats).toBeLessThanOrEqual(1);
    expect(rx.deliveries.length).toBeLessThanOrEqual(4);
    expect(bed.log.lines()).not.toContain(SECRET);
  });

  it('does not start when a webhook secret is not set, naming the variable', async () => {
    const err = await startDaemon(await config(), bed.deps, { env: {} }).catch((e) => e);
    expect(err.code).toBe('FW_ERR_CONFIG');
    expect(err.message).toContain('FW_TEST_HOOK is not set');
  });
});
