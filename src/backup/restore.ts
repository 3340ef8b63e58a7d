/**
 * Restores one corrupted embedded image: from the slice copy when it read back with the catalog's
 * digest (SimpleUpdate whose ImageURI names the staged member), else from firmwarden's verified
 * store copy by the best update method the BMC offers. A copy that fails its digest is never used;
 * with no verified source, what the BMC keeps itself is used (bmc-fallback.ts), else the restore
 * is refused. The task is followed, a BMC image is waited for
 * through the BMC's own reset, and the result is judged by reading the inventory back: healthy,
 * at the expected version, and (where the BMC offers it) reading back as the catalog image.
 * A host image that only activates at the next host reset is "staged"; finishStaged resets the
 * host once for all of them (when the caller allows it) and verifies each.
 */

import { describeError, FirmwardenError } from '../errors.ts';
import { resetHost, waitFor } from '../executor/host-reset.ts';
import { type InstallResult, installImage } from '../executor/install.ts';
import { chooseMethod } from '../executor/method-choice.ts';
import { type Expected, verifyComponent } from '../executor/verify.ts';
import type { BackupEnv, RestoreReport, ServerFacts } from './backup-env.ts';
import { BackupError, BackupErrorCode } from './backup-errors.ts';
import { CopyState } from './backup-vocab.ts';
import { bmcFallback, restoreFromBmcCopy } from './bmc-fallback.ts';
import { expectedOf } from './expected.ts';
import { readFirmwareView } from './firmware-view.ts';
import type { Inspected } from './inspect-component.ts';
import { restoreInstallEnv } from './install-env.ts';
import { digestMatches, type Reference } from './references.ts';

/**
 * Installs the restore's source through the install pipeline: the slice copy the BMC holds
 * (SimpleUpdate naming it, Immediate where offered), or the verified store copy by the best
 * method the BMC offers.
 */
async function install(
  env: BackupEnv,
  facts: ServerFacts,
  item: Inspected,
  ref: Reference,
  source: 'slice' | 'store',
): Promise<InstallResult> {
  const caps = facts.caps;
  const ienv = restoreInstallEnv(env, facts);
  const expected = expectedOf(item, ref);
  if (source === 'slice') {
    return installImage(ienv, {
      expected,
      source: {
        from: 'bmc',
        uri: item.report.slice?.copy as string,
        ...(caps.simple?.applyTimes?.includes('Immediate') ? { applyTime: 'Immediate' as const } : {}),
      },
    });
  }
  const sha = ref.sha256 ?? ((await env.store.findByMd5(ref.md5 as string)) as string);
  const stored = await env.store.verify(sha);
  const choice = chooseMethod(caps, {
    imageSize: stored.size,
    applyTimes: ['Immediate', 'OnReset'],
    ...(env.imageServer ? { imageServer: env.imageServer.scheme } : {}),
  });
  if (choice.method === 'simple' && !env.imageServer)
    throw new BackupError(BackupErrorCode.noSource, env.server.name, 'no image server for SimpleUpdate');
  return installImage(ienv, {
    expected,
    source: { from: 'store', image: { sha256: sha, size: stored.size, fileName: ref.fileName }, choice },
  });
}

/** Restores one component; never throws for BMC trouble (the report says what happened). */
export async function restoreComponent(
  env: BackupEnv,
  facts: ServerFacts,
  item: Inspected,
): Promise<RestoreReport> {
  const r = item.report;
  const ref = item.ref;
  const server = env.server.name;
  const sliceOk = r.slice?.state === CopyState.ok || r.slice?.state === CopyState.created;
  const storeOk = r.store.state === CopyState.ok || r.store.state === CopyState.created;
  const source = sliceOk && facts.caps.simple ? 'slice' : storeOk ? 'store' : undefined;
  if (source === undefined) {
    const fallback = await bmcFallback(env, facts, item);
    if (fallback !== undefined) return restoreFromBmcCopy(env, item, fallback);
  }
  if (ref === undefined || source === undefined) {
    const why = [
      ref === undefined ? 'no catalog entry for the version it should run' : '',
      r.slice?.state === CopyState.corrupt
        ? `the slice copy fails its digest and is not used (${r.slice.detail ?? ''})`
        : '',
      !storeOk ? `no verified store copy (${r.store.detail ?? r.store.state})` : '',
    ].filter(Boolean);
    const message = `${server}: refusing to restore ${item.c.name}: ${why.join('; ')}`;
    return {
      source: 'store',
      outcome: 'refused',
      detail: message,
      error: { code: BackupErrorCode.noSource, message },
    };
  }
  const expected = expectedOf(item, ref);
  await env.book.journal(server, 'backup.restore.intent', {
    component: item.c.name,
    uri: item.c.uri,
    version: ref.version,
    source,
    findings: r.findings.map((f) => f.kind),
  });
  const report: RestoreReport = { source, outcome: 'failed', detail: '' };
  try {
    const done = await install(env, facts, item, ref, source);
    if (done.task) report.task = done.task;
    // A BMC image was waited for through its reset by the pipeline; a host image may wait for one.
    if (done.staged) {
      Object.assign(report, {
        outcome: 'staged',
        detail: `${item.c.name}: ${ref.version} restored from the ${source}; it runs after the next host reset`,
      });
    } else await verify(env, item, ref, expected, report);
  } catch (err) {
    report.outcome = 'failed';
    report.detail = `${item.c.name}: restore from the ${source} failed: ${describeError(err)}`;
    report.error = {
      code: err instanceof FirmwardenError ? err.code : 'FW_ERR_UNEXPECTED',
      message: describeError(err),
    };
  }
  await env.book.journal(server, 'backup.restore', {
    component: item.c.name,
    uri: item.c.uri,
    version: ref.version,
    source,
    outcome: report.outcome,
    detail: report.detail,
  });
  return report;
}

/** Reads the inventory back until the component is healthy at the expected version (a BMC resets). */
async function verify(
  env: BackupEnv,
  item: Inspected,
  ref: Reference,
  expected: Expected,
  report: RestoreReport,
) {
  let last = 'not read back';
  const ok = await waitFor(
    async () => {
      const view = await readFirmwareView(env.client, env.server, env.deps.clock);
      const v = verifyComponent(expected, view.inventory, view.inventory.vendor);
      last = v.detail;
      if (v.state !== 'verified' || v.found === undefined) return false;
      const data = view.members.get(v.found.uri)?.ImageDataURI;
      if (data) {
        const read = await env.reader.digest(data, (ref.size ?? 0) * 2 || undefined);
        if (!digestMatches(ref, read)) {
          last = `${item.c.name} at ${v.found.version} but its image reads back with sha256 ${read.sha256}`;
          return false;
        }
        last = `${v.detail}, image reads back as the catalog image`;
      }
      return true;
    },
    env.deps.clock,
    item.c.kind === 'bmc' ? env.timeouts.bmcRebootMs : env.timeouts.pollMs * 4,
    env.timeouts.pollMs,
  );
  report.outcome = ok ? 'verified' : 'failed';
  report.detail = ok ? `${last} (restored from the ${report.source})` : `restore delivered but ${last}`;
  if (!ok) report.error = { code: BackupErrorCode.restoreFailed, message: last };
}

/** What a restore may do to the host to finish a staged restore. */
export interface HostResetPolicy {
  /** A forced restart may follow a graceful one the OS ignored. */
  allowForce: boolean;
}

/**
 * Resets the host once for every restore that is staged (it activates at the next host reset),
 * then verifies each by reading the inventory back, as an immediate restore is. Journals the
 * reset and each outcome. Never throws for BMC trouble: the reports say what happened.
 */
export async function finishStaged(
  env: BackupEnv,
  items: Inspected[],
  policy: HostResetPolicy,
): Promise<void> {
  const staged = items.filter(
    (i) => i.report.restore?.outcome === 'staged' && (i.ref !== undefined || i.report.restore.fallback),
  );
  if (staged.length === 0) return;
  const server = env.server.name;
  const components = staged.map((i) => i.c.name);
  await env.book.journal(server, 'host-reset', { reason: 'staged restore', components });
  let how: string;
  try {
    how = await resetHost(env.client, env.deps.clock, {
      graceMs: env.timeouts.hostResetMs,
      allowForce: policy.allowForce,
      pollMs: env.timeouts.pollMs,
      done: async () => {
        const view = await readFirmwareView(env.client, env.server, env.deps.clock).catch(() => undefined);
        // Back in normal operation: the host running again, every staged image active.
        if (view === undefined || view.inventory.powerState !== 'On') return false;
        return staged.every(
          (i) =>
            verifyComponent(expectedOf(i, targetOf(i)), view.inventory, view.inventory.vendor).state ===
            'verified',
        );
      },
    });
  } catch (err) {
    for (const i of staged) {
      const r = i.report.restore as RestoreReport;
      r.outcome = 'failed';
      r.detail = `${i.c.name}: restored image staged, but the host reset failed: ${describeError(err)}`;
      r.error = {
        code: err instanceof FirmwardenError ? err.code : 'FW_ERR_UNEXPECTED',
        message: describeError(err),
      };
    }
    await env.book.journal(server, 'backup.restore', {
      components,
      outcome: 'failed',
      detail: describeError(err),
    });
    return;
  }
  for (const i of staged) {
    const ref = targetOf(i);
    const r = i.report.restore as RestoreReport;
    if (r.source === 'fallback') {
      // `done` saw it at the rollback version: no catalog image to read it back against.
      r.outcome = 'verified';
      r.detail = r.detail.replace(/; it runs after the next host reset$/, '');
    } else await verify(env, i, ref, expectedOf(i, ref), r);
    r.detail = `${r.detail}; after a ${how} host reset`;
    await env.book.journal(server, 'backup.restore', {
      component: i.c.name,
      uri: i.c.uri,
      version: ref.version,
      source: r.source,
      outcome: r.outcome,
      detail: r.detail,
    });
  }
}

/** The version a staged restore should bring: the rollback copy's, else the catalog reference's. */
function targetOf(i: Inspected): Reference {
  const fb = i.report.restore?.fallback;
  return fb ? ({ ...(i.ref ?? {}), version: fb.version } as Reference) : (i.ref as Reference);
}
