/** When the Supermicro driver takes over a delivery, and when it leaves it to the pipeline. */
import { describe, expect, it } from 'vitest';
import { deliverX12 } from '../../../src/vendors/supermicro/x12-update.ts';
import type { DeliverRequest, FlowContext } from '../../../src/vendors/types.ts';

const US = '/redfish/v1/UpdateService';
function ctxWith(updateService: Record<string, unknown>) {
  const asked: string[] = [];
  const ctx = {
    client: {
      transport: { origin: 'https://bmc' },
      request: async (method: string, uri: string) => {
        asked.push(`${method} ${uri}`);
        if (uri === US) return { status: 200, headers: {}, body: updateService, uri };
        throw new Error(`unexpected ${method} ${uri}`);
      },
    },
    clock: { now: () => 0, sleep: async () => {} },
    timeouts: { taskMs: 1000, pollMs: 10, bmcRebootMs: 1000 },
    emit: () => {},
  } as unknown as FlowContext;
  return { ctx, asked };
}

const request = (extra: Partial<DeliverRequest> = {}): DeliverRequest => ({
  method: 'multipart',
  updateService: US,
  endpoint: `${US}/upload`,
  image: { sha256: 'x', size: 1, fileName: 'BIOS.bin' },
  openImage: async function* () {
    yield Buffer.from('x');
  },
  targets: [`${US}/FirmwareInventory/BIOS`],
  target: { uri: `${US}/FirmwareInventory/BIOS`, id: 'BIOS', name: 'BIOS', kind: 'bios', from: '1', to: '2' },
  ...extra,
});

const X12 = {
  'MultipartHttpPushUri@Redfish.OperationApplyTimeSupport': {
    SupportedValues: ['Immediate', 'OnStartUpdateRequest'],
  },
  Actions: { '#UpdateService.StartUpdate': { target: `${US}/Actions/UpdateService.StartUpdate` } },
};

describe('Supermicro deliver hook: which deliveries it takes', () => {
  it('leaves SimpleUpdate, HttpPushUri and components other than BMC/BIOS to the pipeline, asking nothing', async () => {
    const { ctx, asked } = ctxWith(X12);
    expect(await deliverX12(ctx, request({ method: 'simple' }))).toBeUndefined();
    expect(await deliverX12(ctx, request({ method: 'http-push' }))).toBeUndefined();
    const cpld = request().target;
    expect(await deliverX12(ctx, request({ target: { ...cpld, kind: 'cpld' } }))).toBeUndefined();
    expect(asked).toEqual([]);
  });

  it('leaves an OnStartUpdateRequest delivery to the pipeline (it starts the update itself)', async () => {
    const { ctx } = ctxWith(X12);
    expect(await deliverX12(ctx, request({ applyTime: 'OnStartUpdateRequest' }))).toBeUndefined();
  });

  it('leaves it when the BMC announces no StartUpdate or no OnStartUpdateRequest for multipart', async () => {
    const noStart = ctxWith({ ...X12, Actions: {} });
    expect(await deliverX12(noStart.ctx, request())).toBeUndefined();
    const noApply = ctxWith({
      ...X12,
      'MultipartHttpPushUri@Redfish.OperationApplyTimeSupport': { SupportedValues: ['Immediate'] },
    });
    expect(await deliverX12(noApply.ctx, request())).toBeUndefined();
    expect(noApply.asked).toEqual([`GET ${US}`]);
  });
});
