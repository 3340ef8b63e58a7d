/**
 * Following iLO's UpdateService Oem.Hpe.State (src/vendors/hpe/flash-state.ts) on a fake clock,
 * against a recorded iLO 5 UpdateService (test/fixtures/vendors/hpe) whose Oem.Hpe state is set
 * per poll: the end only once the update was ours, progress percent, iLO's Error message, iLO
 * resetting itself, and the deadlines.
 */
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedfishClient } from '../../../src/redfish/client.ts';
import { flashPhase, followFlashState, resultMessage } from '../../../src/vendors/hpe/flash-state.ts';
import type { FlowContext } from '../../../src/vendors/types.ts';
import { captureLogger } from '../../helpers/capture-logger.ts';
import { fakeClock } from '../../helpers/fake-clock.ts';

const ILO = 'https://ilo-flash.example.test';
const US = '/redfish/v1/UpdateService/';
const RECORDED = JSON.parse(
  readFileSync(new URL('../../fixtures/vendors/hpe/update-service-complete.json', import.meta.url), 'utf8'),
);

/** The recorded UpdateService with Oem.Hpe's progress replaced. */
function us(hpe: Record<string, unknown>) {
  const body = structuredClone(RECORDED);
  for (const k of ['State', 'Result', 'FlashProgressPercent', 'UploadCurrentEtag']) delete body.Oem.Hpe[k];
  Object.assign(body.Oem.Hpe, hpe);
  return body;
}

function setup(timeouts = { taskMs: 60_000, pollMs: 1_000, bmcRebootMs: 30_000 }, url = ILO) {
  const clock = fakeClock();
  const client = new RedfishClient(
    { url, allowHttp: url.startsWith('http:'), retry: { attempts: 1 } },
    { clock, logger: captureLogger().logger },
  );
  const steps: Array<{ step: string; percent?: number }> = [];
  const ctx: FlowContext = {
    client,
    clock,
    timeouts,
    emit: (step, extra) =>
      steps.push({ step, ...(extra?.percent === undefined ? {} : { percent: extra.percent }) }),
  };
  return { clock, client, ctx, steps };
}

/** Replies one body per GET, in order. */
function replies(bodies: unknown[]) {
  const scope = nock(ILO);
  for (const b of bodies) {
    if (typeof b === 'number') scope.get(US).reply(b, { error: { code: 'iLO.0.10.ExtendedInfo' } });
    else scope.get(US).reply(200, b as object);
  }
  return scope;
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('flashPhase', () => {
  it('reads every State the iLO 5/6 reference lists, and older firmware’s Progressing', () => {
    expect(
      [
        'Idle',
        'Uploading',
        'Verifying',
        'Writing',
        'Updating',
        'Progressing',
        'Complete',
        'Error',
        'Busy',
      ].map(flashPhase),
    ).toEqual(['idle', 'busy', 'busy', 'busy', 'busy', 'busy', 'complete', 'error', 'unknown']);
  });

  it('words an iLO Result with the registry text and its arguments', () => {
    expect(resultMessage({ MessageId: 'iLO.2.25.UpdateFailed', MessageArgs: ['0x21'] })).toEqual({
      id: 'UpdateFailed',
      text: 'iLO.2.25.UpdateFailed: The update failed with a component specific error (0x21).',
    });
  });
});

describe('followFlashState', () => {
  it('Idle → Uploading → Verifying → Updating (percent) → Complete; a System ROM is staged', async () => {
    replies([
      us({ State: 'Idle' }),
      us({ State: 'Uploading' }),
      us({ State: 'Verifying' }),
      us({ State: 'Updating', FlashProgressPercent: 30 }),
      us({ State: 'Updating', FlashProgressPercent: 80 }),
      RECORDED,
    ]);
    const { ctx, steps, clock } = setup();
    const out = await followFlashState(ctx, { uri: US, afterReset: true });
    expect(out).toMatchObject({ outcome: 'staged', state: 'Complete', percent: 80 });
    expect(steps.map((s) => s.step)).toEqual([
      'iLO Idle',
      'iLO Uploading',
      'iLO Verifying',
      'iLO Updating',
      'iLO Updating',
      'iLO Complete',
    ]);
    expect(steps.filter((s) => s.percent !== undefined).map((s) => s.percent)).toEqual([30, 80]);
    expect(clock.sleeps).toEqual([1_000, 1_000, 1_000, 1_000, 1_000]);
  });

  it('a Complete left by an earlier update is not taken at once: iLO gets polls to turn busy', async () => {
    replies([
      RECORDED,
      RECORDED,
      us({ State: 'Updating', FlashProgressPercent: 10 }),
      us({ State: 'Error', Result: { MessageId: 'iLO.2.14.UpdateInvalidFile' } }),
    ]);
    const { ctx } = setup();
    const out = await followFlashState(ctx, { uri: US, afterReset: false });
    expect(out.outcome).toBe('failed');
    expect(out.messages.at(-1)).toEqual({
      id: 'UpdateInvalidFile',
      text: 'iLO.2.14.UpdateInvalidFile: The update operation failed because the file is not valid.',
    });
  });

  it('a Complete that stays through the grace polls is this update’s end (it was too quick to see)', async () => {
    replies(Array.from({ length: 6 }, () => RECORDED));
    const { ctx, clock } = setup();
    const out = await followFlashState(ctx, { uri: US, afterReset: false, gracePolls: 5 });
    expect(out.outcome).toBe('completed');
    expect(clock.sleeps).toHaveLength(5);
  });

  it('with an upload ETag: another upload’s report is ignored, ours ends at once', async () => {
    replies([
      us({ State: 'Error', Result: { MessageId: 'iLO.2.14.UpdateFailed' }, UploadCurrentEtag: 'older' }),
      us({ State: 'Complete', Result: { MessageId: 'Base.1.4.Success' }, UploadCurrentEtag: 'mine' }),
    ]);
    const { ctx, clock } = setup();
    const out = await followFlashState(ctx, { uri: US, afterReset: false, etag: 'mine' });
    expect(out.outcome).toBe('completed');
    expect(clock.sleeps).toEqual([1_000]);
  });

  it('iLO resetting itself (503, 500) is waited out; busy then Idle ends the update', async () => {
    replies([us({ State: 'Updating', FlashProgressPercent: 99 }), 503, 500, 503, us({ State: 'Idle' })]);
    const { ctx } = setup();
    const out = await followFlashState(ctx, { uri: US, afterReset: false });
    expect(out.outcome).toBe('completed');
    expect(out.polls).toBe(5);
  });

  it('an update too quick to see busy: iLO gone (resetting) then Idle is the end too', async () => {
    replies([us({ State: 'Idle' }), 503, 503, us({ State: 'Idle' })]);
    const { ctx } = setup();
    const out = await followFlashState(ctx, { uri: US, afterReset: false });
    expect(out).toMatchObject({ outcome: 'completed', polls: 4 });
  });

  it('iLO away longer than bmcRebootMs fails as unreachable', async () => {
    nock.enableNetConnect('127.0.0.1');
    // A port nothing listens on: every poll is a refused connection.
    const { ctx, clock } = setup({ taskMs: 60_000, pollMs: 1_000, bmcRebootMs: 3_000 }, 'http://127.0.0.1:9');
    await expect(followFlashState(ctx, { uri: US, afterReset: false })).rejects.toMatchObject({
      code: 'FW_ERR_BMC_UNREACHABLE',
    });
    expect(clock.sleeps).toEqual([1_000, 1_000, 1_000, 1_000]);
  });

  it('never leaving Verifying times out at taskMs with the last state', async () => {
    replies(Array.from({ length: 6 }, () => us({ State: 'Verifying' })));
    const { ctx } = setup({ taskMs: 5_000, pollMs: 1_000, bmcRebootMs: 30_000 });
    await expect(followFlashState(ctx, { uri: US, afterReset: false })).rejects.toMatchObject({
      code: 'FW_ERR_TASK_TIMEOUT',
      message: expect.stringMatching(/still Verifying/),
    });
  });

  it('a 404 is not iLO resetting: it ends the follow with the error', async () => {
    nock(ILO).get(US).reply(404, {});
    const { ctx } = setup();
    await expect(followFlashState(ctx, { uri: US, afterReset: false })).rejects.toMatchObject({
      status: 404,
    });
  });
});
