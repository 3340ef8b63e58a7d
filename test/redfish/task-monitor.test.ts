import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedfishClient } from '../../src/redfish/client.ts';
import { assertNotFailed, followTask } from '../../src/redfish/task-monitor.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { fakeClock } from '../helpers/fake-clock.ts';

const BMC = 'https://bmc-task.example.test';
const MON = '/redfish/v1/TaskService/TaskMonitors/7';
const TASK = '/redfish/v1/TaskService/Tasks/7';

const task = (state: string, extra: Record<string, unknown> = {}) => ({
  '@odata.id': TASK,
  Id: '7',
  TaskState: state,
  ...extra,
});
const msg = (id: string, text?: string) => ({
  MessageId: `Update.1.0.${id}`,
  ...(text ? { Message: text } : {}),
});

function setup() {
  const clock = fakeClock();
  const client = new RedfishClient(
    { url: BMC, retry: { attempts: 1 } },
    { clock, logger: captureLogger().logger },
  );
  return { clock, client };
}

beforeAll(() => {
  nock.disableNetConnect();
  // The BMC-reset tests use a real loopback server.
  nock.enableNetConnect('127.0.0.1');
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('followTask', () => {
  it('bmcweb style: monitor 202 with Retry-After, then the result, messages collected once', async () => {
    nock(BMC)
      .get(MON)
      .reply(202, task('Running', { PercentComplete: 20, Messages: [msg('TargetDetermined')] }), {
        'Retry-After': '3',
      })
      .get(MON)
      .reply(
        202,
        task('Running', {
          PercentComplete: 60,
          Messages: [msg('TargetDetermined'), msg('TransferringToComponent')],
        }),
        {
          'Retry-After': '3',
        },
      )
      .get(MON)
      .reply(
        200,
        task('Completed', {
          PercentComplete: 100,
          TaskStatus: 'OK',
          Messages: [msg('TargetDetermined'), msg('TransferringToComponent'), msg('UpdateSuccessful')],
        }),
      );
    const { clock, client } = setup();
    const seen: number[] = [];
    const out = await followTask(client, MON, clock, {
      timeoutMs: 60_000,
      onProgress: (p) => seen.push(p.percent ?? -1),
    });
    expect(out.outcome).toBe('completed');
    expect(out.messages.map((m) => m.id)).toEqual([
      'TargetDetermined',
      'TransferringToComponent',
      'UpdateSuccessful',
    ]);
    expect(out.taskUri).toBe(TASK);
    expect(clock.sleeps).toEqual([3000, 3000]);
    expect(seen).toEqual([20, 60, 100]);
  });

  it('Dell style: Location is the Task itself, deleted once done → gone, not failure', async () => {
    const jid = '/redfish/v1/TaskService/Tasks/JID_123456789012';
    nock(BMC)
      .get(jid)
      .reply(200, { '@odata.id': jid, Id: 'JID_123456789012', TaskState: 'Running', PercentComplete: 50 })
      .get(jid)
      .reply(404, { error: { code: 'Base.1.8.ResourceMissingAtURI', message: 'gone' } });
    const { clock, client } = setup();
    const out = await followTask(client, jid, clock, { timeoutMs: 60_000, pollMs: 5000 });
    expect(out.outcome).toBe('gone');
    expect(out.state).toBe('Running');
  });

  it('a 404 from the monitor after the task was seen reads the Task', async () => {
    nock(BMC)
      .get(MON)
      .reply(202, task('Running'))
      .get(MON)
      .reply(404)
      .get(TASK)
      .reply(200, task('Completed', { Messages: [msg('UpdateSuccessful')] }));
    const { clock, client } = setup();
    const out = await followTask(client, MON, clock, { timeoutMs: 60_000 });
    expect(out).toMatchObject({ outcome: 'completed', state: 'Completed' });
  });

  it('a 204 from the monitor means done', async () => {
    nock(BMC)
      .get(MON)
      .reply(202, task('Running'))
      .get(MON)
      .reply(204)
      .get(TASK)
      .reply(200, task('Completed'));
    const { clock, client } = setup();
    expect((await followTask(client, MON, clock, { timeoutMs: 60_000 })).outcome).toBe('completed');
  });

  it.each([
    ['Exception', {}, 'VerificationFailed'],
    ['Killed', {}, 'ApplyFailed'],
    ['Completed', { TaskStatus: 'Critical' }, 'ActivateFailed'],
  ])('%s is a failure carrying the Update message', async (state, extra, id) => {
    nock(BMC)
      .get(MON)
      .reply(200, task(state, { ...extra, Messages: [msg(id, `${id} on BIOS`)] }));
    const { clock, client } = setup();
    const out = await followTask(client, MON, clock, { timeoutMs: 60_000 });
    expect(out.outcome).toBe('failed');
    expect(() => assertNotFailed(out, MON)).toThrow(expect.objectContaining({ code: 'FW_ERR_TASK_FAILED' }));
    try {
      assertNotFailed(out, MON);
    } catch (err) {
      expect((err as { messages: Array<{ MessageId: string }> }).messages[0]?.MessageId).toBe(id);
      expect((err as Error).message).toContain(id);
    }
  });

  it('an unknown TaskState is an error, never a guess', async () => {
    nock(BMC).get(MON).reply(200, task('Finishing'));
    const { clock, client } = setup();
    await expect(followTask(client, MON, clock, { timeoutMs: 60_000 })).rejects.toMatchObject({
      code: 'FW_ERR_TASK_STATE_UNKNOWN',
    });
  });

  it('a stuck task times out with its last state as evidence', async () => {
    nock(BMC)
      .get(MON)
      .times(100)
      .reply(202, task('Running', { PercentComplete: 42, Messages: [msg('InstallingOnComponent')] }), {
        'Retry-After': '10',
      });
    const { clock, client } = setup();
    const err = await followTask(client, MON, clock, { timeoutMs: 60_000 }).catch((e) => e);
    expect(err.code).toBe('FW_ERR_TASK_TIMEOUT');
    expect(err.message).toContain('Running 42% InstallingOnComponent');
  });

  it('waits through a BMC reset (real connection refused) and reads the result after', async () => {
    const bmc = await flakyBmc();
    const clock = fakeClock();
    // The fake clock makes waits instant; the real server goes down for 3 polls, then returns.
    let polls = 0;
    const sleep = clock.sleep;
    clock.sleep = async (ms) => {
      await sleep(ms);
      polls++;
      if (polls === 1) await bmc.stop();
      if (polls === 4) await bmc.start(task('Completed'));
    };
    const client = new RedfishClient(
      { url: bmc.url, allowHttp: true, retry: { attempts: 1 } },
      { clock, logger: captureLogger().logger },
    );
    try {
      const out = await followTask(client, MON, clock, { timeoutMs: 600_000, pollMs: 1000 });
      expect(out.outcome).toBe('completed');
      expect(out.polls).toBe(5);
    } finally {
      await client.close();
      await bmc.stop();
    }
  });

  it('gives up on a BMC that stays unreachable', async () => {
    const bmc = await flakyBmc();
    await bmc.stop();
    const { clock } = setup();
    const client = new RedfishClient(
      { url: bmc.url, allowHttp: true, retry: { attempts: 1 } },
      { clock, logger: captureLogger().logger },
    );
    await expect(
      followTask(client, MON, clock, { timeoutMs: 3_600_000, pollMs: 10_000, unreachableTimeoutMs: 60_000 }),
    ).rejects.toMatchObject({ code: 'FW_ERR_BMC_UNREACHABLE' });
    await client.close();
  });
});

/** A loopback HTTP "BMC" that can go down and come back on the same port, answering one body. */
async function flakyBmc() {
  let body: unknown = task('Running');
  let server: Server | undefined;
  let port = 0;
  const start = async (next?: unknown) => {
    if (next) body = next;
    server = createServer((_req, res) => {
      res.writeHead(phaseOf(body) === 'Running' ? 202 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server?.listen(port, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  };
  const stop = async () => {
    const s = server;
    server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  };
  await start();
  return { url: `http://127.0.0.1:${port}`, start, stop };
}

const phaseOf = (b: unknown) => (b as { TaskState?: string }).TaskState;

describe('followTask: what real BMCs do beyond the DMTF example', () => {
  it('iDRAC replaces its one message: AwaitToActivate replacing TransferringToComponent is staged', async () => {
    const DELL = '/redfish/v1/TaskService/Tasks/JID_123456789012';
    nock(BMC)
      .get(DELL)
      .reply(200, { ...task('Running', { Messages: [msg('TransferringToComponent')] }), '@odata.id': DELL })
      .get(DELL)
      .reply(200, { ...task('Pending', { Messages: [msg('AwaitToActivate')] }), '@odata.id': DELL });
    const { clock, client } = setup();
    const out = await followTask(client, DELL, clock, { timeoutMs: 60_000 });
    expect(out.outcome).toBe('staged');
    expect(out.messages.map((m) => m.id)).toEqual(['AwaitToActivate']);
  });

  it('bmcweb monitor answers 204 for a failed task: the Task from the 202 body tells', async () => {
    nock(BMC)
      .get(MON)
      .reply(204)
      .get(TASK)
      .reply(
        200,
        task('Exception', { TaskStatus: 'Warning', Messages: [msg('ApplyFailed', 'flash failed')] }),
      );
    const { clock, client } = setup();
    const out = await followTask(client, MON, clock, { timeoutMs: 60_000, taskUri: TASK });
    expect(out.outcome).toBe('failed');
    expect(() => assertNotFailed(out, MON)).toThrow(/ApplyFailed/);
  });

  it('a BMC answering 503 and 500 while it restarts is waited for, not failed', async () => {
    nock(BMC)
      .get(MON)
      .reply(503, {}, { 'Retry-After': '1' })
      .get(MON)
      .reply(500, {})
      .get(MON)
      .reply(200, task('Completed', { TaskStatus: 'OK', Messages: [msg('UpdateSuccessful')] }));
    const { clock, client } = setup();
    const out = await followTask(client, MON, clock, { timeoutMs: 60_000, unreachableTimeoutMs: 30_000 });
    expect(out.outcome).toBe('completed');
  });

  it('a state DMTF does not define is read by the driver, else refused', async () => {
    const reply = () =>
      nock(BMC)
        .get(MON)
        .reply(202, task('UserIntervention', { Messages: [msg('InstallingOnComponent')] }));
    reply();
    const { clock, client } = setup();
    const out = await followTask(client, MON, clock, {
      timeoutMs: 60_000,
      states: (s) => (s === 'UserIntervention' ? 'staged' : undefined),
    });
    expect(out.outcome).toBe('staged');
    reply();
    await expect(followTask(client, MON, clock, { timeoutMs: 60_000 })).rejects.toMatchObject({
      code: 'FW_ERR_TASK_STATE_UNKNOWN',
    });
  });
});
