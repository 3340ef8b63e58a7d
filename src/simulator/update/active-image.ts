/**
 * bmcweb's image switch: PATCH the Manager with Links.ActiveSoftwareImage naming another BMC
 * image of FirmwareInventory (the StandbySpare bank) and the BMC boots that image at its next
 * reboot (Manager.Reset). The switch swaps the banks: the chosen image runs (Enabled), the one
 * that ran becomes StandbySpare, Manager.FirmwareVersion follows. Booting the other bank is what
 * recovers a BMC whose running image is damaged, so the damage of the image left behind is
 * healed here (the simulator tracks damage per component, not per bank).
 */

import { verifySimImage } from '../image-format.ts';
import { FIRMWARE_INVENTORY, ROOT } from '../profiles/common.ts';
import { baseError } from '../redfish-errors.ts';
import { obj } from '../resource-tree.ts';
import type { SimHost } from '../sim-host.ts';
import type { SimRequest, SimResponse } from '../sim-http.ts';
import { factoryImage } from '../storage/firmware-images.ts';
import { activeComponents, targetPath } from './components.ts';

const pending = new WeakMap<SimHost, string>();

/** Registers PATCH on the Manager (bmcweb only: it is the BMC that announces ActiveSoftwareImage). */
export function registerActiveImageSwitch(host: SimHost): void {
  const managers = `${ROOT}/Managers`;
  if (!host.tree.has(managers)) return;
  for (const manager of host.tree.members(managers)) {
    const links = obj(host.tree.get(manager)?.['Links']);
    if (obj(links?.['ActiveSoftwareImage']) === undefined) continue;
    host.route('PATCH', manager, (req) => patchManager(host, manager, req));
  }
}

async function patchManager(host: SimHost, manager: string, req: SimRequest): Promise<SimResponse> {
  const style = host.profile.messages;
  const body = obj(await req.json());
  if (body === undefined) throw baseError(style, 'UnrecognizedRequestBody');
  for (const key of Object.keys(body)) {
    if (key !== 'Links') throw baseError(style, 'PropertyUnknown', [key]);
  }
  const wanted = obj(obj(body['Links'])?.['ActiveSoftwareImage'])?.['@odata.id'];
  if (typeof wanted !== 'string')
    throw baseError(style, 'PropertyValueFormatError', [JSON.stringify(body['Links']), 'Links']);
  const path = targetPath(wanted);
  const image = path.startsWith(`${FIRMWARE_INVENTORY}/`) ? host.tree.get(path) : undefined;
  const related = JSON.stringify(image?.['RelatedItem'] ?? []);
  if (image === undefined || !related.includes(`"${manager}"`)) {
    throw baseError(style, 'PropertyValueNotInList', [wanted, 'ActiveSoftwareImage']);
  }
  pending.set(host, path);
  return { status: 204 };
}

/** At a BMC reboot: boot the image chosen by PATCH, if any. */
export function switchActiveImageOnReboot(host: SimHost): void {
  const chosen = pending.get(host);
  pending.delete(host);
  if (chosen === undefined) return;
  const running = activeComponents(host).find((c) => c.kind === 'bmc');
  if (running === undefined || running.path === chosen) return;
  const next = host.tree.get(chosen);
  if (next === undefined) return;
  // The bank left behind keeps its image; the component (key "bmc") now runs the chosen one.
  host.storage.beforeInstall(running.key);
  const status = obj(next['Status']) ?? {};
  host.tree.update(chosen, (b) => {
    b['Status'] = { ...status, State: 'Enabled', Health: 'OK' };
  });
  host.tree.update(running.path, (b) => {
    b['Status'] = { ...(obj(b['Status']) ?? {}), State: 'StandbySpare' };
  });
  const version = String(next['Version'] ?? '');
  for (const m of host.tree.members(`${ROOT}/Managers`)) {
    host.tree.update(m, (b) => {
      b['FirmwareVersion'] = version;
      b['Links'] = { ...(obj(b['Links']) ?? {}), ActiveSoftwareImage: { '@odata.id': chosen } };
    });
  }
  const now = activeComponents(host).find((c) => c.kind === 'bmc');
  if (now !== undefined) {
    const data = factoryImage(host.vendor, now, version);
    const header = verifySimImage(data);
    if (!('reason' in header)) host.storage.installed(now.key, header, data);
  }
}
