/**
 * Which backup mechanism a server can use, read from what its BMC offers: firmwarden's slice
 * when a volume is an offered update target and the slice exists; otherwise what the BMC keeps
 * itself, marked fallback — Dell Previous- rollback copies, the HPE System Recovery Set, an
 * OpenBMC/Lenovo backup bank — or nothing but firmwarden's own verified store copies.
 */
import type { UpdateCapabilities } from '../executor/capabilities.ts';
import type { RedfishClient } from '../redfish/client.ts';
import { BackupMechanism } from './backup-vocab.ts';
import type { FirmwareView } from './firmware-view.ts';
import { readRecoverySet } from './recovery-set.ts';
import { formatBytes } from './slice-layout.ts';
import { findSlice, raidControllers, sliceOffered } from './slice-offer.ts';
import type { ControllerInfo } from './storage-read.ts';

export interface FallbackCopy {
  component: string;
  /** Known for inventory copies (banks, rollback), not for install-set entries. */
  kind?: string;
  version: string;
  id: string;
}

export interface BackupSupport {
  mechanism: BackupMechanism;
  /** The BMC accepts volumes as update targets. */
  sliceOffered: boolean;
  slice?: { volume: string; controller: string; raidType?: string; capacityBytes?: number };
  /** What the BMC keeps itself (used when there is no slice). */
  fallback: { kind: BackupMechanism; copies: FallbackCopy[] };
  /** One plain sentence. */
  detail: string;
}

/** HPE iLO: the System Recovery Set's packages (recovery-set.ts). */
async function recoverySet(client: RedfishClient, view: FirmwareView): Promise<FallbackCopy[] | undefined> {
  const set = await readRecoverySet(client, view);
  return set?.packages.map((p) => ({ component: p.name, version: p.version, id: p.filename ?? set.uri }));
}

/** What the BMC keeps itself, strongest evidence first. */
async function fallbackOf(client: RedfishClient, view: FirmwareView): Promise<BackupSupport['fallback']> {
  const copies = view.inventory.copies;
  const asCopy = (c: (typeof copies)[number]): FallbackCopy => ({
    component: c.name,
    kind: c.kind,
    version: c.version,
    id: c.id,
  });
  const previous = copies.filter((c) => /^Previous-/.test(c.id));
  if (previous.length > 0) return { kind: BackupMechanism.rollback, copies: previous.map(asCopy) };
  const recovery = await recoverySet(client, view);
  if (recovery !== undefined) return { kind: BackupMechanism.recoverySet, copies: recovery };
  const banks = copies.filter((c) => c.slot === 'backup');
  if (banks.length > 0) return { kind: BackupMechanism.backupBank, copies: banks.map(asCopy) };
  return { kind: BackupMechanism.storeOnly, copies: [] };
}

function describeFallback(f: BackupSupport['fallback']): string {
  if (f.kind === BackupMechanism.storeOnly) {
    return "the BMC keeps no image copy firmwarden can use: firmwarden's verified store copies only";
  }
  const list = f.copies.map((c) => `${c.component} ${c.version}`).join(', ');
  return `fallback ${f.kind} (${list || 'no copies listed'}) plus firmwarden's verified store copies`;
}

/** Decides the mechanism of one server. */
export async function discoverBackup(
  client: RedfishClient,
  view: FirmwareView,
  caps: UpdateCapabilities,
  controllers: readonly ControllerInfo[],
  sliceName: string,
): Promise<BackupSupport> {
  const raid = raidControllers(controllers);
  const offered = raid.some((c) => sliceOffered(caps, c));
  const found = findSlice(raid, sliceName);
  const fallback = await fallbackOf(client, view);
  if (offered && found !== undefined && sliceOffered(caps, found.controller)) {
    const v = found.volume;
    return {
      mechanism: BackupMechanism.slice,
      sliceOffered: true,
      slice: {
        volume: v.uri,
        controller: found.controller.uri,
        ...(v.raidType ? { raidType: v.raidType } : {}),
        ...(v.capacityBytes !== undefined ? { capacityBytes: v.capacityBytes } : {}),
      },
      fallback,
      detail: `slice ${v.uri} (${v.raidType ?? '?'}, ${formatBytes(v.capacityBytes ?? 0)}) on ${found.controller.name}`,
    };
  }
  const why = offered
    ? 'the BMC offers the slice path but no slice volume exists yet (run backup init)'
    : raid.length === 0
      ? 'no RAID controller to carve a slice from'
      : 'the BMC does not offer volumes as update targets (SimpleUpdate ActionInfo Targets list none)';
  return {
    mechanism: fallback.kind,
    sliceOffered: offered,
    fallback,
    detail: `${why}: ${describeFallback(fallback)}`,
  };
}
