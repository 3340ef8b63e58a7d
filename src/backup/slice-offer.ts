/**
 * Whether a BMC offers firmwarden's slice path on a controller, and where an existing slice is.
 * The offer is read from the SimpleUpdate ActionInfo: a Volumes collection (or a volume of it)
 * among the allowed Targets means the BMC stages images into its volumes (DESIGN.md "Storage").
 */
import type { UpdateCapabilities } from '../executor/capabilities.ts';
import { normalizeUri } from '../redfish/models/index.ts';
import type { ControllerInfo, VolumeInfo } from './storage-read.ts';

/** The volume name firmwarden gives the slice; recognisable in any BMC's storage view. */
export const SLICE_NAME = 'firmwarden-backup';

/** True when the BMC accepts this controller's volumes as update targets. */
export function sliceOffered(caps: UpdateCapabilities, c: ControllerInfo): boolean {
  const targets = caps.simple?.targets?.map(normalizeUri);
  if (targets === undefined || c.volumesUri === undefined) return false;
  return targets.includes(c.volumesUri) || c.volumes.some((v) => targets.includes(v.uri));
}

/** The slice volume (by name) and its controller, if one exists. */
export function findSlice(
  controllers: readonly ControllerInfo[],
  name: string,
): { controller: ControllerInfo; volume: VolumeInfo } | undefined {
  for (const controller of controllers) {
    const volume = controller.volumes.find((v) => v.name === name);
    if (volume !== undefined) return { controller, volume };
  }
  return undefined;
}

/** Controllers that can build a volume: a RAID controller with drives and a Volumes collection. */
export function raidControllers(controllers: readonly ControllerInfo[]): ControllerInfo[] {
  return controllers.filter((c) => c.raidTypes.length > 0 && c.drives.length > 0 && c.volumesUri);
}
