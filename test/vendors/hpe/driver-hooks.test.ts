/**
 * The HPE driver's update hooks where no simulator is needed: which deliveries it takes over,
 * what it refuses before sending anything, and how a finished iLO task counts for host images.
 */
import { describe, expect, it } from 'vitest';
import type { TaskOutcome } from '../../../src/redfish/task-monitor.ts';
import { hpe } from '../../../src/vendors/hpe/index.ts';
import type { DeliverRequest, FlowContext, InstallTarget } from '../../../src/vendors/types.ts';
import { fakeClock } from '../../helpers/fake-clock.ts';

const ROM: InstallTarget = {
  uri: '/redfish/v1/UpdateService/FirmwareInventory/2/',
  id: '2',
  name: 'System ROM',
  kind: 'bios',
  from: 'U30 v2.80 (10/16/2023)',
  to: 'U30 v2.90 (07/20/2023)',
};
const ILO: InstallTarget = {
  ...ROM,
  uri: '/redfish/v1/UpdateService/FirmwareInventory/1/',
  id: '1',
  name: 'iLO 5',
  kind: 'bmc',
};

/** A context whose client must never be used. */
function ctx(): FlowContext {
  const client = new Proxy(
    {},
    {
      get: (_t, p) => {
        throw new Error(`client.${String(p)} used`);
      },
    },
  );
  return {
    client: client as FlowContext['client'],
    clock: fakeClock(),
    timeouts: { taskMs: 1_000, pollMs: 100, bmcRebootMs: 1_000 },
    emit: () => {},
  };
}

function request(method: DeliverRequest['method'], fileName: string): DeliverRequest {
  return {
    method,
    updateService: '/redfish/v1/UpdateService/',
    endpoint:
      method === 'http-push'
        ? '/cgi-bin/uploadFile'
        : '/redfish/v1/UpdateService/Actions/UpdateService.SimpleUpdate/',
    image: { sha256: 'a'.repeat(64), size: 10, fileName },
    openImage: async function* () {
      yield Buffer.alloc(10);
    },
    targets: [ROM.uri],
    target: ROM,
  };
}

const outcome = (o: TaskOutcome['outcome']): TaskOutcome => ({ outcome: o, messages: [], polls: 1 });

describe('HPE deliver hook', () => {
  it('leaves SimpleUpdate to the generic delivery', async () => {
    expect(await hpe.deliver?.(ctx(), request('simple', 'U30_2.90.signed.flash'))).toBeUndefined();
  });

  it('refuses a Smart Component before uploading: iLO needs its .compsig, which firmwarden has not', async () => {
    await expect(hpe.deliver?.(ctx(), request('http-push', 'cp045678.exe'))).rejects.toMatchObject({
      code: 'FW_ERR_UNSUPPORTED',
      message: expect.stringMatching(/cp045678\.exe.*compsig/),
    });
  });
});

describe('HPE afterTask hook', () => {
  it('a host image iLO reports done (or whose task vanished) is staged for the host reset', async () => {
    expect((await hpe.afterTask?.(ctx(), outcome('completed'), ROM))?.outcome).toBe('staged');
    expect((await hpe.afterTask?.(ctx(), outcome('gone'), ROM))?.outcome).toBe('staged');
  });

  it('iLO firmware activates by iLO resetting itself; failures stay failures', async () => {
    expect((await hpe.afterTask?.(ctx(), outcome('completed'), ILO))?.outcome).toBe('completed');
    expect((await hpe.afterTask?.(ctx(), outcome('failed'), ROM))?.outcome).toBe('failed');
  });
});
