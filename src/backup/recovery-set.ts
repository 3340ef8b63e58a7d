/**
 * HPE iLO's System Recovery Set, read and driven. The set (UpdateService Oem.Hpe.InstallSets,
 * the member with IsRecovery) lists packages by Filename; the iLO Repository
 * (Oem.Hpe.ComponentRepository) says what each one is: Version, Targets GUIDs (the ones the
 * inventory's Oem.Hpe.Targets carry), Activates. Restoring one component queues only its package
 * on the Update Task Queue (POST {Name, Filename, Command: ApplyUpdate, UpdatableBy: [Bmc]}),
 * never the whole set: invoking the set would reflash every component in it. Queueing and
 * following the item are the HPE driver's (src/vendors/hpe/update-queue.ts).
 */
import { z } from 'zod';
import { hpeRomVersion } from '../catalog/hpe-catalog.ts';
import type { RedfishClient } from '../redfish/client.ts';
import { readMembers } from '../redfish/collection.ts';
import { ResourceSchema } from '../redfish/models/index.ts';
import { enqueue } from '../vendors/hpe/update-queue.ts';
import type { FirmwareView } from './firmware-view.ts';

// Queue items are followed by the HPE driver's follower (one implementation for restores and updates).
export { followQueueItem } from '../vendors/hpe/update-queue.ts';

const InstallSetSchema = ResourceSchema.extend({
  IsRecovery: z.boolean().nullish(),
  Sequence: z
    .array(
      z.looseObject({
        Name: z.string().nullish(),
        Filename: z.string().nullish(),
        Command: z.string().nullish(),
        Version: z.string().nullish(),
      }),
    )
    .nullish(),
});

const RepositoryComponentSchema = ResourceSchema.extend({
  Filename: z.string(),
  Version: z.string().nullish(),
  Targets: z.array(z.string()).nullish(),
  Activates: z.string().nullish(),
});

/** One package of the recovery set. */
export interface RecoveryPackage {
  name: string;
  filename?: string;
  /** In the form the inventory reports (HPE ROM "U30 v2.90 (07/20/2023)"); "?" when unknown. */
  version: string;
  targets: string[];
  /** The repository says it runs after the next host reset (a System ROM). */
  afterReboot: boolean;
}

export interface RecoverySet {
  uri: string;
  packages: RecoveryPackage[];
  /** Where to queue a package, when iLO announces its Update Task Queue. */
  queue?: string;
}

function hpeLink(view: FirmwareView, name: string): string | undefined {
  const hpe = view.updateService.Oem?.['Hpe'] as Record<string, { '@odata.id'?: unknown }> | undefined;
  const uri = hpe?.[name]?.['@odata.id'];
  return typeof uri === 'string' ? uri : undefined;
}

/** The recovery set and what its packages hold, or undefined when iLO announces none. */
export async function readRecoverySet(
  client: RedfishClient,
  view: FirmwareView,
): Promise<RecoverySet | undefined> {
  const setsUri = hpeLink(view, 'InstallSets');
  if (setsUri === undefined) return undefined;
  const sets = await readMembers(client, setsUri, InstallSetSchema);
  const recovery = sets.find((s) => s.IsRecovery === true);
  if (recovery === undefined) return undefined;
  const repoUri = hpeLink(view, 'ComponentRepository');
  const repository = repoUri ? await readMembers(client, repoUri, RepositoryComponentSchema) : [];
  const byFile = new Map(repository.map((r) => [r.Filename.toLowerCase(), r]));
  const queue = hpeLink(view, 'UpdateTaskQueue');
  return {
    uri: recovery['@odata.id'],
    ...(queue === undefined ? {} : { queue }),
    packages: (recovery.Sequence ?? [])
      .filter((s) => (s.Command ?? 'ApplyUpdate') === 'ApplyUpdate')
      .map((s) => {
        const file = s.Filename ?? undefined;
        const r = file === undefined ? undefined : byFile.get(file.toLowerCase());
        const raw = r?.Version ?? s.Version ?? undefined;
        const version = raw === undefined ? '?' : file ? (hpeRomVersion(file, raw) ?? raw) : raw;
        return {
          name: s.Name ?? r?.Name ?? file ?? '?',
          ...(file === undefined ? {} : { filename: file }),
          version,
          targets: (r?.Targets ?? []).map((t) => t.toLowerCase()),
          afterReboot: r?.Activates === 'AfterReboot',
        };
      }),
  };
}

/** The set's package for a component with these Targets GUIDs (one shared GUID is a match). */
export function packageFor(
  set: RecoverySet,
  targets: readonly string[] | undefined,
): RecoveryPackage | undefined {
  const mine = new Set((targets ?? []).map((t) => t.toLowerCase()));
  return set.packages.find(
    (p) => p.filename !== undefined && p.version !== '?' && p.targets.some((t) => mine.has(t)),
  );
}

/** Queues one package on the Update Task Queue; returns the queue item's URI. */
export function queuePackage(
  client: RedfishClient,
  queue: string,
  pkg: RecoveryPackage,
  name: string,
): Promise<string> {
  return enqueue(client, queue, { name, filename: pkg.filename ?? '' });
}
