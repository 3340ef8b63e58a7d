/**
 * The per-component answer of `probe` (pure): the method chooseMethod picks and why, Targets, the
 * reset that activates the image, and the progress lines — worded only for hooks a driver has.
 */
import { describe, expect, it } from 'vitest';
import type { UpdateCapabilities } from '../../src/executor/capabilities.ts';
import type { InventoryComponent } from '../../src/inventory/model.ts';
import { describeFollow } from '../../src/probe/follow-wording.ts';
import { planComponent } from '../../src/probe/update-plan.ts';
import { generic } from '../../src/vendors/generic/index.ts';
import type { VendorDriver } from '../../src/vendors/types.ts';

const FI = '/redfish/v1/UpdateService/FirmwareInventory';

function component(
  kind: InventoryComponent['kind'],
  extra: Partial<InventoryComponent> = {},
): InventoryComponent {
  return {
    id: kind.toUpperCase(),
    uri: `${FI}/${kind.toUpperCase()}`,
    name: `${kind} firmware`,
    kind,
    slot: 'active',
    version: '1.0',
    identity: {},
    ...extra,
  };
}

const base: UpdateCapabilities = { uri: '/redfish/v1/UpdateService', firmwareInventory: FI };
const resets = { systemResets: ['On', 'ForceOff', 'GracefulShutdown'], managerResets: ['ForceRestart'] };

describe('planComponent', () => {
  it.each([
    [
      'multipart with announced apply times: BMC image Immediate, host image OnReset',
      { ...base, multipart: { uri: '/mp', applyTimes: ['Immediate', 'OnReset'] } },
      generic,
      {
        bmc: ['multipart', 'Immediate', /resets itself/],
        bios: ['multipart', 'OnReset', /GracefulShutdown, then On/],
      },
    ],
    [
      'SimpleUpdate only: the image server, apply time left to the BMC',
      { ...base, simple: { target: '/su' } },
      generic,
      { bmc: ['simple', undefined, /resets itself/], bios: ['simple', undefined, /^host reset/] },
    ],
    [
      'a driver whose BMC stages its own image: Manager.Reset with the type resetManager sends',
      { ...base, multipart: { uri: '/mp' } },
      { ...generic, bmcImageAwaitsReset: () => true } satisfies VendorDriver,
      {
        bmc: ['multipart', undefined, /^Manager\.Reset ForceRestart after the task/],
        bios: ['multipart', undefined, /^host/],
      },
    ],
  ])('%s', (_name, caps, driver, want) => {
    for (const [kind, [method, applyTime, reset]] of Object.entries(want)) {
      const p = planComponent(component(kind as 'bmc' | 'bios'), { caps, driver, managers: [], ...resets });
      expect(p.method, kind).toBe(method);
      expect(p.applyTime, kind).toBe(applyTime);
      expect(p.resets, kind).toMatch(reset as RegExp);
    }
  });

  it('says why not when nothing fits, and names the methods it rejected', () => {
    const caps = { ...base, multipart: { uri: '/mp', applyTimes: ['AtMaintenanceWindowStart'] } };
    const p = planComponent(component('bios'), { caps, driver: generic, managers: [] });
    expect(p.method).toBeUndefined();
    expect(p.why).toMatch(/no usable update method: multipart: apply times/);
  });

  it('leaves a component the BMC marks not updateable alone', () => {
    const caps = { ...base, multipart: { uri: '/mp' } };
    const p = planComponent(component('cpld', { updateable: false }), {
      caps,
      driver: generic,
      managers: [],
    });
    expect(p.method).toBeUndefined();
    expect(p.why).toMatch(/Updateable is false/);
  });

  it('names the SimpleUpdate Target the ActionInfo allows (Manager for a BMC image)', () => {
    const caps = {
      ...base,
      simple: { target: '/su', targets: ['/redfish/v1/Managers/1', '/redfish/v1/Systems/1/Bios'] },
    };
    const p = planComponent(component('bmc'), { caps, driver: generic, managers: [] });
    expect(p.targets).toEqual([['/redfish/v1/Managers/1']]);
  });
});

describe('describeFollow', () => {
  it('generic DMTF: task monitor and Task, then the inventory; no family claims', () => {
    const lines = describeFollow(generic, true);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/task monitor/);
  });

  it('words a hook in its family words only when the driver has the hook', () => {
    const withHook: VendorDriver = { ...generic, vendor: 'hpe', followUntracked: async () => undefined };
    const without: VendorDriver = { ...generic, vendor: 'hpe' };
    expect(describeFollow(withHook, true).at(-1)).toMatch(/^followUntracked: .*Oem\.Hpe\.State/);
    expect(describeFollow(without, true).join('\n')).not.toMatch(/Oem\.Hpe/);
  });

  it('falls back to the hook meaning for a family without its own wording', () => {
    const d: VendorDriver = { ...generic, vendor: 'generic', afterTask: async (_c, o) => o };
    expect(describeFollow(d, false).at(-1)).toMatch(/^afterTask: after the task ends/);
    expect(describeFollow(d, false)[0]).toMatch(/links no TaskService/);
  });
});
