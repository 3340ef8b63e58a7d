/**
 * Reads the RAID controllers of a server (Storage.v1_x, Drive.v1_x, Volume.v1_x): each Storage
 * of each System with its controller's RAID types, its drives, its volumes, the apply times its
 * Volumes collection announces, and the free space left on each drive after what its volumes take.
 */
import { z } from 'zod';
import type { RedfishClient } from '../redfish/client.ts';
import { readMembers } from '../redfish/collection.ts';
import {
  CollectionSchema,
  ComputerSystemSchema,
  normalizeUri,
  ResourceSchema,
  StatusSchema,
  StorageSchema,
  VolumeSchema,
} from '../redfish/models/index.ts';
import { type DriveRoom, dataDrives } from './slice-layout.ts';

/** Drive (Drive.v1_x): the fields the slice needs. */
const DriveSchema = ResourceSchema.extend({
  CapacityBytes: z.number().nullish(),
  Status: StatusSchema.optional(),
});

export interface VolumeInfo {
  uri: string;
  name: string;
  raidType?: string;
  capacityBytes?: number;
  drives: string[];
}

export interface ControllerInfo {
  /** The Storage resource. */
  uri: string;
  name: string;
  raidTypes: string[];
  volumesUri?: string;
  /** @Redfish.OperationApplyTimeSupport of the Volumes collection; undefined: not announced. */
  volumeApplyTimes?: string[];
  drives: DriveRoom[];
  volumes: VolumeInfo[];
}

function supported(head: Record<string, unknown>): string[] | undefined {
  const v = (head['@Redfish.OperationApplyTimeSupport'] as { SupportedValues?: unknown } | undefined)
    ?.SupportedValues;
  return Array.isArray(v) ? v.map(String) : undefined;
}

/** Every storage subsystem of every system, with drives, volumes and free space. */
export async function readControllers(client: RedfishClient): Promise<ControllerInfo[]> {
  const root = await client.root();
  if (!root.Systems) return [];
  const systems = await readMembers(client, root.Systems['@odata.id'], ComputerSystemSchema);
  const out: ControllerInfo[] = [];
  for (const system of systems) {
    if (!system.Storage) continue;
    const storages = await readMembers(client, system.Storage['@odata.id'], StorageSchema);
    for (const s of storages) out.push(await readController(client, s));
  }
  return out;
}

async function readController(
  client: RedfishClient,
  s: z.infer<typeof StorageSchema>,
): Promise<ControllerInfo> {
  const controller = s.StorageControllers?.[0] as Record<string, unknown> | undefined;
  const raidTypes = Array.isArray(controller?.['SupportedRAIDTypes'])
    ? (controller['SupportedRAIDTypes'] as unknown[]).map(String)
    : [];
  const volumesUri = s.Volumes ? normalizeUri(s.Volumes['@odata.id']) : undefined;
  const [drives, head, volumes] = await Promise.all([
    Promise.all((s.Drives ?? []).map((d) => client.get(d['@odata.id'], DriveSchema))),
    volumesUri ? client.get(volumesUri, CollectionSchema) : undefined,
    volumesUri ? readMembers(client, volumesUri, VolumeSchema) : [],
  ]);
  const vols: VolumeInfo[] = volumes.map((v) => ({
    uri: normalizeUri(v['@odata.id']),
    name: v.Name ?? v.Id ?? normalizeUri(v['@odata.id']),
    ...(v.RAIDType ? { raidType: v.RAIDType } : {}),
    ...(typeof v.CapacityBytes === 'number' ? { capacityBytes: v.CapacityBytes } : {}),
    drives: (v.Links?.Drives ?? []).map((d) => normalizeUri(d['@odata.id'])),
  }));
  // Each volume takes capacity / dataDrives of every member drive; a volume that does not say
  // its drives or size makes the free space of the whole controller unknown.
  const unknown = vols.some((v) => v.drives.length === 0 || v.capacityBytes === undefined);
  const used = new Map<string, number>();
  for (const v of vols) {
    const share = (v.capacityBytes ?? 0) / Math.max(1, dataDrives(v.raidType ?? 'RAID0', v.drives.length));
    for (const d of v.drives) used.set(d, (used.get(d) ?? 0) + share);
  }
  const rooms: DriveRoom[] = drives.map((d) => {
    const uri = normalizeUri(d['@odata.id']);
    const capacity = d.CapacityBytes ?? 0;
    return {
      uri,
      name: d.Id ?? d.Name ?? uri,
      capacityBytes: capacity,
      freeBytes: unknown ? undefined : Math.max(0, capacity - (used.get(uri) ?? 0)),
      healthy: d.Status?.Health !== 'Critical' && d.Status?.State !== 'UnavailableOffline',
    };
  });
  const applyTimes = head ? supported(head as Record<string, unknown>) : undefined;
  return {
    uri: normalizeUri(s['@odata.id']),
    name: s.Name ?? s.Id ?? normalizeUri(s['@odata.id']),
    raidTypes,
    ...(volumesUri ? { volumesUri } : {}),
    ...(applyTimes ? { volumeApplyTimes: applyTimes } : {}),
    drives: rooms,
    volumes: vols,
  };
}
