/**
 * HPE iLO's System Recovery Set, read and driven. The set (UpdateService Oem.Hpe.InstallSets,
 * the member with IsRecovery) lists packages by Filename; the iLO Repository
 * (Oem.Hpe.ComponentRepository) says what each one is: Version, Targets GUIDs (the ones the
 * inventory's Oem.Hpe.Targets carry), Activates. Restoring one component queues only its package
 * on the Update Task Queue (POST {Name, Filename, Command: ApplyUpdate, UpdatableBy: [Bmc]}),
 * never the whole set: invoking the set would reflash every component in it. The queue item is
 * not a Redfish Task: it is followed by its State (Pending, InProgress, Complete, Exception,
 * Expired, Canceled).
 */
import { z } from 'zod';
import { hpeRomVersion } from '../catalog/hpe-catalog.ts';
import type { Clock } from '../deps.ts';
import { RedfishConnectionError, TaskFailedError } from '../errors.ts';
import type { RedfishClient } from '../redfish/client.ts';
import { readMembers } from '../redfish/collection.ts';
import { ResourceSchema } from '../redfish/models/index.ts';
import { pathOf } from '../redfish/session.ts';
import type { FirmwareView } from './firmware-view.ts';

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

const QueueItemSchema = z.looseObject({
  State: z.string(),
  Result: z.looseObject({ MessageId: z.string().nullish() }).nullish(),
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
export async function queuePackage(
  client: RedfishClient,
  queue: string,
  pkg: RecoveryPackage,
  name: string,
): Promise<string> {
  const res = await client.post(queue, {
    Name: name,
    Filename: pkg.filename,
    Command: 'ApplyUpdate',
    UpdatableBy: ['Bmc'],
  });
  const location = res.headers['location'];
  const id = (res.body as { '@odata.id'?: unknown } | undefined)?.['@odata.id'];
  if (location) return pathOf(location, client.transport.origin);
  if (typeof id === 'string') return id;
  throw new TaskFailedError(queue, undefined, `queued ${pkg.filename} but iLO named no queue item`);
}

/**
 * Follows a queue item to its end: 'completed', or 'staged' for a package that runs after the
 * next host reset. A failed, expired or cancelled item throws; iLO not answering (it reboots into
 * its own image) is waited out until `unreachableMs`.
 */
export async function followQueueItem(
  client: RedfishClient,
  item: string,
  pkg: RecoveryPackage,
  clock: Clock,
  limits: { timeoutMs: number; pollMs: number; unreachableMs: number },
): Promise<'completed' | 'staged'> {
  const deadline = clock.now() + limits.timeoutMs;
  let unreachableSince: number | undefined;
  let last = 'not read';
  for (;;) {
    try {
      const it = await client.get(item, QueueItemSchema);
      unreachableSince = undefined;
      last = it.State;
      if (it.State === 'Complete') return pkg.afterReboot ? 'staged' : 'completed';
      if (['Exception', 'Expired', 'Canceled', 'Cancelled'].includes(it.State)) {
        const why = it.Result?.MessageId;
        throw new TaskFailedError(item, it.State, `ended ${it.State}${why ? `: ${why}` : ''}`);
      }
    } catch (err) {
      // Only a BMC that does not answer is waited for (as task-monitor.ts does); an answer that
      // is an error, or a body without State, ends it now.
      if (!(err instanceof RedfishConnectionError)) throw err;
      unreachableSince ??= clock.now();
      if (clock.now() - unreachableSince > limits.unreachableMs) {
        throw new TaskFailedError(item, last, `iLO unreachable for too long: ${err.message}`, [], {
          code: 'FW_ERR_BMC_UNREACHABLE',
          cause: err,
        });
      }
    }
    if (clock.now() >= deadline) {
      throw new TaskFailedError(item, last, `still ${last} after ${limits.timeoutMs} ms`);
    }
    await clock.sleep(limits.pollMs);
  }
}
