/**
 * One server's backup run. `status` reads: the mechanism, every embedded image's findings and the
 * state of its copies. `check` also makes what is missing (store copies from a good read-back,
 * slice copies staged from the store), records baselines of clean components, and with
 * autoRestore restores what it found corrupted. `restore` reads like status, then restores every
 * corrupted image. Never throws for BMC trouble: the report carries the error.
 */
import { describeError, FirmwardenError } from '../errors.ts';
import { discoverUpdateService } from '../executor/capabilities.ts';
import type { BackupEnv, ComponentBackup, ServerFacts } from './backup-env.ts';
import { type BackupSupport, discoverBackup } from './backup-support.ts';
import { type BackupMechanism, CopyState, IntegrityState, isComponentFinding } from './backup-vocab.ts';
import { readFirmwareView } from './firmware-view.ts';
import { embedded, type Inspected, inspectComponent } from './inspect-component.ts';
import { readMeasurements } from './measurements.ts';
import { finishStaged, type HostResetPolicy, restoreComponent } from './restore.ts';
import { checkSliceCopies } from './slice-copies.ts';
import { readControllers } from './storage-read.ts';

export type BackupMode = 'status' | 'check' | 'restore';

export interface ServerBackupReport {
  server: string;
  vendor?: string;
  mechanism?: BackupMechanism;
  /** Plain sentence: the slice, or why not and what the fallback is. */
  detail: string;
  slice?: BackupSupport['slice'];
  fallback?: BackupSupport['fallback'];
  components: ComponentBackup[];
  /** Findings on installed images not repaired by the end of the run. */
  corrupted: number;
  /**
   * Images the catalog vouches for (an entry at the installed version) without a good copy (store
   * or slice) at the end of the run. An image without such an entry cannot have a verified copy:
   * it counts as not checkable instead.
   */
  unprotected: number;
  /** Images with only Status and Version to go by (integrity not-checkable): neither ok nor corrupt. */
  notCheckable: number;
  error?: { code: string; message: string };
}

export interface BackupRunOptions {
  /** `check`: restore what was found corrupted. */
  autoRestore?: boolean;
  /** `restore`: only these components (names or URIs); default every corrupted one. */
  only?: string[];
  /**
   * A restored host image that activates at the next host reset: reset the host (once per server)
   * and verify. Absent: the restore is reported "staged" and the host is left alone.
   */
  resetHost?: HostResetPolicy;
}

async function readFacts(env: BackupEnv): Promise<ServerFacts> {
  const [view, caps, controllers, measurements, baselines] = await Promise.all([
    readFirmwareView(env.client, env.server, env.deps.clock),
    discoverUpdateService(env.client),
    readControllers(env.client),
    readMeasurements(env.client),
    env.book.load(env.server.name),
  ]);
  const support = await discoverBackup(env.client, view, caps, controllers, env.sliceName);
  return { view, caps, controllers, support, measurements, baselines };
}

const GOOD = new Set<string>([CopyState.ok, CopyState.created]);

function unprotected(r: ComponentBackup, slice: boolean): boolean {
  if (r.store.state === CopyState.unverifiable) return false;
  return !GOOD.has(r.store.state) && !(slice && GOOD.has(r.slice?.state ?? ''));
}

/** Runs one mode against one server. */
export async function backupServer(
  env: BackupEnv,
  mode: BackupMode,
  opts: BackupRunOptions = {},
): Promise<ServerBackupReport> {
  const report: ServerBackupReport = {
    server: env.server.name,
    detail: '',
    components: [],
    corrupted: 0,
    unprotected: 0,
    notCheckable: 0,
  };
  try {
    const facts = await readFacts(env);
    const s = facts.support;
    Object.assign(report, {
      vendor: facts.view.inventory.vendor,
      mechanism: s.mechanism,
      detail: s.detail,
      fallback: s.fallback,
      ...(s.slice ? { slice: s.slice } : {}),
    });
    const create = mode === 'check';
    const items: Inspected[] = [];
    for (const c of embedded(env, facts)) items.push(await inspectComponent(env, facts, c, create));
    await checkSliceCopies(env, facts, items, create);
    for (const item of items) markFallback(item, s);
    if (create) await recordBaselines(env, facts, items);
    if (mode !== 'status') await journalCorruption(env, items);
    const restoring = mode === 'restore' || (mode === 'check' && opts.autoRestore === true);
    if (restoring) {
      for (const item of items) {
        const wanted =
          opts.only === undefined || opts.only.some((n) => n === item.c.name || n === item.c.uri);
        if (wanted && item.report.findings.some(isComponentFinding)) {
          item.report.restore = await restoreComponent(env, facts, item);
        }
      }
      if (opts.resetHost) await finishStaged(env, items, opts.resetHost);
    }
    report.components = items.map((i) => i.report);
    for (const r of report.components) {
      const repaired = r.restore?.outcome === 'verified';
      if (!repaired && r.findings.some(isComponentFinding)) report.corrupted++;
      if (unprotected(r, s.mechanism === 'slice')) report.unprotected++;
      if (r.integrity?.state === IntegrityState.notCheckable && !r.restore) report.notCheckable++;
    }
  } catch (err) {
    report.error = {
      code: err instanceof FirmwardenError ? err.code : 'FW_ERR_UNEXPECTED',
      message: describeError(err),
    };
  }
  return report;
}

/** Names what the BMC keeps of this component itself, when the server falls back. */
function markFallback(item: Inspected, s: BackupSupport): void {
  if (s.mechanism === 'slice' || s.fallback.kind === 'store-only') return;
  const mine = s.fallback.copies.filter((c) =>
    c.kind !== undefined ? c.kind === item.c.kind : c.component === item.c.name,
  );
  const held = mine.map((c) => c.version).join(', ');
  item.report.notes.push(
    held
      ? `fallback ${s.fallback.kind} holds ${held}`
      : `fallback ${s.fallback.kind} holds no copy of this image`,
  );
}

/** Records known-good facts of every clean component whose image the catalog vouches for. */
async function recordBaselines(env: BackupEnv, facts: ServerFacts, items: Inspected[]): Promise<void> {
  for (const item of items) {
    const r = item.report;
    if (item.ref === undefined || r.findings.some(isComponentFinding)) continue;
    const raw = facts.view.members.get(item.c.uri);
    if (raw?.ImageDataURI && !item.readBackOk) continue;
    const m = facts.measurements.get(item.c.uri);
    await env.book.record(
      env.server.name,
      {
        key: r.key,
        component: item.c.name,
        version: item.ref.version,
        ...(item.ref.sha256 ? { sha256: item.ref.sha256 } : {}),
        ...(m ? { measurement: m.value } : {}),
      },
      facts.baselines.get(r.key),
    );
  }
}

/** Journals each corrupted image found by check or restore (what was seen), before any repair. */
async function journalCorruption(env: BackupEnv, items: Inspected[]): Promise<void> {
  for (const item of items) {
    const findings = item.report.findings.filter(isComponentFinding);
    if (findings.length === 0) continue;
    await env.book.journal(env.server.name, 'backup.corruption', {
      component: item.c.name,
      uri: item.c.uri,
      version: item.c.version,
      ...(item.report.expectedVersion ? { expectedVersion: item.report.expectedVersion } : {}),
      findings: findings.map((f) => ({ kind: f.kind, detail: f.detail })),
    });
  }
}
