/**
 * Restores from what the BMC keeps itself, when firmwarden has no verified copy of the expected
 * image (no slice copy, no store copy): iDRAC's Previous- rollback copy, bmcweb's backup bank
 * of the BMC image, or the component's package in iLO's System Recovery Set. Always marked
 * `source: fallback`: the component comes back healthy at the copy's version, not the expected
 * one, and the plan then shows it outdated.
 */
import { z } from 'zod';
import { describeError, FirmwardenError } from '../errors.ts';
import { resetManager, waitFor } from '../executor/host-reset.ts';
import { installImage } from '../executor/install.ts';
import { verifyComponent } from '../executor/verify.ts';
import type { InventoryComponent } from '../inventory/model.ts';
import { readMembers } from '../redfish/collection.ts';
import { ODataIdSchema, ResourceSchema } from '../redfish/models/index.ts';
import type { BackupEnv, RestoreReport, ServerFacts } from './backup-env.ts';
import { BackupErrorCode } from './backup-errors.ts';
import { expectedOf } from './expected.ts';
import { readFirmwareView } from './firmware-view.ts';
import type { Inspected } from './inspect-component.ts';
import { restoreInstallEnv } from './install-env.ts';
import { followQueueItem, packageFor, queuePackage, readRecoverySet } from './recovery-set.ts';

/** A copy the BMC keeps itself, and how to bring it back. */
export interface BmcFallback {
  mechanism: 'rollback' | 'backup-bank' | 'recovery-set';
  /** Where the copy is, the version it holds (as the inventory reports it), and its name. */
  copy: { uri: string; version: string; label: string };
  /**
   * Sets the copy going and follows it to its end (throws when it failed): the task or iLO queue
   * item followed, and whether the image now waits for a host reset.
   */
  run: () => Promise<{ task?: string; staged: boolean }>;
}

const asCopy = (c: InventoryComponent): BmcFallback['copy'] => ({
  uri: c.uri,
  version: c.version,
  label: c.id,
});

/**
 * What the BMC keeps of this component that firmwarden can drive, when the server falls back:
 * iDRAC's rollback copy (Previous-<ComponentID>-<Version>__<FQDD>, same FQDD) installed through
 * SimpleUpdate naming the member; or bmcweb's backup bank of the BMC image (StandbySpare),
 * booted by PATCHing Manager Links.ActiveSoftwareImage and resetting the BMC; or the package of
 * iLO's System Recovery Set whose Targets GUIDs are the component's, queued on the Update Task
 * Queue (recovery-set.ts). XCC's backup bank has no switch a client can throw: reported, not
 * driven.
 */
export async function bmcFallback(
  env: BackupEnv,
  facts: ServerFacts,
  item: Inspected,
): Promise<BmcFallback | undefined> {
  const mechanism = facts.support.mechanism;
  const copies = facts.view.inventory.copies;
  if (mechanism === 'rollback' && facts.caps.simple && item.c.identity.fqdd !== undefined) {
    const copy = copies.find(
      (c) => /^Previous-/.test(c.id) && c.identity.fqdd === item.c.identity.fqdd && c.version.trim() !== '',
    );
    if (copy === undefined) return undefined;
    return {
      mechanism,
      copy: asCopy(copy),
      // The same install pipeline as every update: SimpleUpdate naming the Previous- member.
      run: () =>
        installImage(restoreInstallEnv(env, facts), {
          expected: expectedOf(item, { version: copy.version }),
          source: { from: 'bmc', uri: copy.uri },
        }),
    };
  }
  if (mechanism === 'backup-bank' && item.c.kind === 'bmc') {
    const copy = copies.find((c) => c.slot === 'backup' && c.kind === 'bmc' && c.version.trim() !== '');
    const manager = copy ? await switchableManager(env) : undefined;
    if (copy === undefined || manager === undefined) return undefined;
    return {
      mechanism,
      copy: asCopy(copy),
      run: async () => {
        await env.client.patch(manager, { Links: { ActiveSoftwareImage: { '@odata.id': copy.uri } } });
        await resetManager(env.client);
        return { staged: false };
      },
    };
  }
  if (mechanism === 'recovery-set') return recoveryPackage(env, facts, item);
  return undefined;
}

/** The component's package in iLO's System Recovery Set, queued on the Update Task Queue. */
async function recoveryPackage(
  env: BackupEnv,
  facts: ServerFacts,
  item: Inspected,
): Promise<BmcFallback | undefined> {
  const set = await readRecoverySet(env.client, facts.view);
  const queue = set?.queue;
  const pkg = set === undefined ? undefined : packageFor(set, item.c.identity.hpeTargets);
  if (set === undefined || queue === undefined || pkg?.filename === undefined) return undefined;
  const t = env.timeouts;
  return {
    mechanism: 'recovery-set',
    copy: { uri: set.uri, version: pkg.version, label: pkg.filename },
    run: async () => {
      const task = await queuePackage(env.client, queue, pkg, `firmwarden restore ${item.c.name}`);
      const outcome = await followQueueItem(env.client, task, pkg, env.deps.clock, {
        timeoutMs: t.taskMs,
        pollMs: t.pollMs,
        unreachableMs: t.bmcRebootMs,
      });
      return { task, staged: outcome === 'staged' };
    },
  };
}

const SwitchableManagerSchema = ResourceSchema.extend({
  Links: z.looseObject({ ActiveSoftwareImage: ODataIdSchema.optional() }).optional(),
});

/** The Manager that announces Links.ActiveSoftwareImage (bmcweb), if any. */
async function switchableManager(env: BackupEnv): Promise<string | undefined> {
  const root = await env.client.root();
  if (!root.Managers) return undefined;
  const managers = await readMembers(env.client, root.Managers['@odata.id'], SwitchableManagerSchema);
  return managers.find((m) => m.Links?.ActiveSoftwareImage !== undefined)?.['@odata.id'];
}

/**
 * Restores from what the BMC keeps itself (bmcFallback): set it going, follow its task, then read
 * the inventory back until the component is healthy at the copy's version. Marked as a fallback:
 * the component no longer runs the expected version, so the plan shows it outdated until an
 * update brings it back.
 */
export async function restoreFromBmcCopy(
  env: BackupEnv,
  item: Inspected,
  fb: BmcFallback,
): Promise<RestoreReport> {
  const server = env.server.name;
  const copy = fb.copy;
  const fallback = { mechanism: fb.mechanism, version: copy.version, copy: copy.uri };
  const report: RestoreReport = { source: 'fallback', fallback, outcome: 'failed', detail: '' };
  await env.book.journal(server, 'backup.restore.intent', {
    component: item.c.name,
    uri: item.c.uri,
    version: copy.version,
    source: 'fallback',
    fallback,
    findings: item.report.findings.map((f) => f.kind),
  });
  try {
    const done = await fb.run();
    if (done.task) report.task = done.task;
    const how =
      fb.mechanism === 'rollback'
        ? `rolled back to ${copy.version} from the BMC's rollback copy`
        : fb.mechanism === 'recovery-set'
          ? `flashed ${copy.label} (${copy.version}) from iLO's System Recovery Set`
          : `booted the BMC's backup bank (${copy.version})`;
    const words = `${how} (fallback: no verified copy of ${item.report.expectedVersion ?? 'the expected version'})`;
    if (item.c.kind !== 'bmc' && done.staged) {
      Object.assign(report, {
        outcome: 'staged',
        detail: `${item.c.name}: ${words}; it runs after the next host reset`,
      });
    } else {
      const expected = expectedOf(item, { version: copy.version });
      let last = 'not read back';
      const ok = await waitFor(
        async () => {
          // A rebooting BMC does not answer: that is not a failure, keep reading.
          const view = await readFirmwareView(env.client, env.server, env.deps.clock).catch((err) => {
            last = describeError(err);
            return undefined;
          });
          if (view === undefined) return false;
          const v = verifyComponent(expected, view.inventory, view.inventory.vendor);
          last = v.detail;
          return v.state === 'verified';
        },
        env.deps.clock,
        item.c.kind === 'bmc' ? env.timeouts.bmcRebootMs : env.timeouts.pollMs * 4,
        env.timeouts.pollMs,
      );
      report.outcome = ok ? 'verified' : 'failed';
      report.detail = ok ? `${last}: ${words}` : `${fb.mechanism} set going but ${last}`;
      if (!ok) report.error = { code: BackupErrorCode.restoreFailed, message: last };
    }
  } catch (err) {
    report.outcome = 'failed';
    report.detail = `${item.c.name}: ${fb.mechanism} from ${copy.label} failed: ${describeError(err)}`;
    report.error = {
      code: err instanceof FirmwardenError ? err.code : 'FW_ERR_UNEXPECTED',
      message: describeError(err),
    };
  }
  await env.book.journal(server, 'backup.restore', {
    component: item.c.name,
    uri: item.c.uri,
    version: copy.version,
    source: 'fallback',
    fallback,
    outcome: report.outcome,
    detail: report.detail,
  });
  return report;
}
