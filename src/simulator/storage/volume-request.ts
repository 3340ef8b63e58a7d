/**
 * Checks a POST on a Volumes collection the way a controller does (Volume.v1_9 create, Base
 * messages, 400): known properties only, a RAIDType the controller builds, drives of this
 * controller in a count the type accepts, an announced apply time, and room on every drive.
 */
import { baseError, baseMessage, type MessageStyle, SimHttpError } from '../redfish-errors.ts';
import { canonicalPath, type Json, obj } from '../resource-tree.ts';
import { capacityFor, driveCountProblem, extentFor } from './raid-layout.ts';
import type { StorageUnit } from './volumes.ts';

const ALLOWED = new Set([
  'Name',
  'DisplayName',
  'RAIDType',
  'VolumeType',
  'CapacityBytes',
  'Links',
  'Encrypted',
  'ReadCachePolicy',
  'WriteCachePolicy',
  'StripSizeBytes',
  'InitializeMethod',
  '@Redfish.OperationApplyTime',
  'Oem',
]);

export interface VolumeRequest {
  raidType: string;
  drives: string[];
  requested: unknown;
  /** CapacityBytes asked for (undefined: all the room there is). */
  wanted: number | undefined;
  /** Bytes each member drive gives. */
  extent: number;
}

/** The validated request, or a SimHttpError (400) saying what is wrong. */
export function checkVolumeRequest(
  style: MessageStyle,
  unit: StorageUnit,
  body: Json,
  applyTimes: readonly string[] | undefined,
  freeBytes: (drive: string) => number,
): VolumeRequest {
  for (const k of Object.keys(body)) if (!ALLOWED.has(k)) throw baseError(style, 'PropertyUnknown', [k]);
  const raidType = body['RAIDType'];
  if (typeof raidType !== 'string') throw baseError(style, 'PropertyMissing', ['RAIDType']);
  if (!unit.raidTypes.includes(raidType))
    throw baseError(style, 'PropertyValueNotInList', [raidType, 'RAIDType']);
  const links = obj(body['Links'])?.['Drives'];
  if (!Array.isArray(links) || links.length === 0)
    throw baseError(style, 'PropertyMissing', ['Links/Drives']);
  const drives = links.map((d) => canonicalPath(String(obj(d)?.['@odata.id'] ?? d)));
  for (const d of drives) {
    if (!unit.drives.includes(d)) throw baseError(style, 'PropertyValueNotInList', [d, 'Links/Drives']);
  }
  if (new Set(drives).size !== drives.length) {
    throw baseError(style, 'PropertyValueConflict', ['Links/Drives', 'Links/Drives']);
  }
  const countProblem = driveCountProblem(raidType, drives.length);
  if (countProblem !== undefined) {
    const m = baseMessage(style, 'PropertyValueConflict', ['RAIDType', 'Links/Drives']);
    throw new SimHttpError(400, [{ ...m, Resolution: countProblem }]);
  }
  const requested = body['@Redfish.OperationApplyTime'];
  const allowed: string[] = [...(applyTimes ?? ['Immediate'])];
  if (requested !== undefined && !allowed.includes(String(requested))) {
    throw baseError(style, 'PropertyValueNotInList', [String(requested), '@Redfish.OperationApplyTime']);
  }
  const wanted = body['CapacityBytes'];
  if (wanted !== undefined && (typeof wanted !== 'number' || !Number.isInteger(wanted) || wanted <= 0)) {
    throw baseError(style, 'PropertyValueTypeError', [JSON.stringify(wanted), 'CapacityBytes']);
  }
  const free = Math.min(...drives.map(freeBytes));
  const extent = wanted === undefined ? free : extentFor(raidType, drives.length, wanted);
  if (!(extent > 0) || extent > free) {
    const m = baseMessage(style, 'PropertyValueOutOfRange', [String(wanted ?? 0), 'CapacityBytes']);
    const room = capacityFor(raidType, drives.length, free);
    throw new SimHttpError(400, [
      {
        ...m,
        Resolution: `Not enough free space: ${room} bytes are free for a ${raidType} on these drives.`,
      },
    ]);
  }
  return { raidType, drives, requested, wanted: wanted as number | undefined, extent };
}
