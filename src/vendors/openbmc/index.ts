/**
 * OpenBMC (bmcweb) driver. Inventory Ids are image hashes; the inactive bank reports
 * Status.State StandbySpare (generic reading). Detection and the update flow follow bmcweb's
 * own handlers; each departure from DMTF names where bmcweb does it.
 */
import { generic } from '../generic/index.ts';
import type { VendorDriver } from '../types.ts';
import { bmcwebGeneration } from './generation.ts';

export const openbmc = {
  ...generic,
  vendor: 'openbmc',
  generation: bmcwebGeneration,
  // Some OpenBMC builds (and the Redfish mockups built from them) name OpenBMC in the root.
  matches: (root) => /openbmc/i.test(root.Vendor ?? '') || root.Oem?.['OpenBMC'] !== undefined,
  // bmcweb's ServiceRoot has neither Vendor nor Oem (redfish-core/lib/service_root.hpp); its
  // Manager does: Model "OpenBmc", Name "OpenBmc Manager", Oem.OpenBmc (redfish-core/lib/managers.hpp).
  matchesManager: (m) =>
    /^openbmc$/i.test(String(m['Model'] ?? '')) ||
    /^openbmc manager$/i.test(m.Name ?? '') ||
    (m['Oem'] as Record<string, unknown> | undefined)?.['OpenBmc'] !== undefined,
  // bmcweb's update task (update_service.hpp, createTask): an image the BMC holds for the host's
  // next power cycle ("...Staged" activation) turns the task `Stopping` with TaskEvent.TaskPaused
  // and a 5-hour timer. Nothing more will happen until the host resets: that is a staged image.
  taskState: (state, task) => {
    const last = task.Messages?.at(-1)?.MessageId ?? '';
    return state === 'Stopping' && last.endsWith('.TaskPaused') ? 'staged' : undefined;
  },
  // Older bmcweb (before the D-Bus update path became the default, late 2024) accepts only its
  // Manager as a multipart Target and answers 400 PropertyValueNotInList for an inventory member;
  // newer ones take the member. Try the member, then the Manager, for a BMC image.
  multipartTargets: (target, managers) => {
    const own = [target.uri];
    if (target.kind !== 'bmc') return [own];
    const manager = managers.find((m) => /\/Managers\/bmc$/.test(m)) ?? managers[0];
    return manager && manager !== target.uri ? [own, [manager]] : [own];
  },
  // Without an apply time, or with OnReset, bmcweb activates a BMC image for the next BMC boot and
  // ends the task `Completed` + TaskCompletedOK without rebooting (update_service.hpp: the
  // multipart default is OnReset). Only Immediate makes the BMC reboot by itself.
  bmcImageAwaitsReset: (accepted) => accepted.applyTime !== 'Immediate',
  stagesBmcImageSilently: true,
  // Ids are hashes of the image: a new image is a new member. Kind and name stay.
  componentKey: (c) => `${c.kind}:${c.name}`,
} satisfies VendorDriver;
