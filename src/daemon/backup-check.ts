/**
 * The integrity-check job's backup check: for every server of the fleet, inspect the embedded
 * images (health, version, digest read back, SPDM measurements) against the configured catalog,
 * make missing copies (image store, backup slice), and restore corrupted images when the
 * config's backup.autoRestore says so. The work is src/backup's backupFleet("check"); this turns
 * its reports into the job's findings. Without a fleet or a catalog it checks nothing and says so.
 */
import type { ComponentBackup, ServerBackupReport } from '../backup/index.ts';
import { backupFleet } from '../backup/index.ts';
import { ImageStore } from '../catalog/index.ts';
import { startImageServer } from '../executor/image-server.ts';
import { loadConfiguredCatalog } from './configured-catalog.ts';
import type { IntegrityCheckContext, IntegrityCheckResult, IntegrityFinding } from './integrity-checks.ts';

export const BACKUP_CHECK_NAME = 'backup-slice';

export async function backupSliceCheck(ctx: IntegrityCheckContext): Promise<IntegrityCheckResult> {
  if (ctx.servers.length === 0) return { checked: 0, findings: [], skipped: 'no fleet file is configured' };
  if (!ctx.config.catalog) {
    return {
      checked: 0,
      findings: [],
      skipped: 'no catalog is configured (its digests are what every image and copy is checked against)',
    };
  }
  const catalog = await loadConfiguredCatalog(ctx.config, ctx.signal);
  const store = await ImageStore.open(ctx.images);
  const cfg = ctx.config.backup;
  const is = cfg.imageServer;
  const imageServer = await startImageServer(
    {
      store,
      host: is?.host ?? '127.0.0.1',
      ...(is?.port !== undefined ? { port: is.port } : {}),
      ...(is?.url ? { publicUrl: is.url } : {}),
      ...(is?.tls ? { tls: 'self-signed' as const } : {}),
    },
    ctx.deps,
  );
  try {
    const reports = await backupFleet(
      'check',
      {
        servers: ctx.servers,
        catalog: catalog.entries,
        store,
        state: ctx.store,
        actor: ctx.actor,
        imageServer,
        ...(cfg.sliceName ? { sliceName: cfg.sliceName } : {}),
      },
      ctx.deps,
      {
        autoRestore: cfg.autoRestore,
        ...(cfg.resetHost ? { resetHost: { allowForce: cfg.allowForceReset } } : {}),
      },
    );
    return summarize(reports, cfg.autoRestore);
  } finally {
    await imageServer.close();
  }
}

/** One finding per problem that is still there, per restore, per server not read. */
export function summarize(reports: ServerBackupReport[], autoRestore: boolean): IntegrityCheckResult {
  const findings: IntegrityFinding[] = [];
  let restored = 0;
  let copiesMade = 0;
  for (const r of reports) {
    if (r.error) {
      findings.push({
        server: r.server,
        problem: 'check-failed',
        detail: `${r.error.code}: ${r.error.message}`,
      });
      continue;
    }
    for (const c of r.components) {
      if (c.store.state === 'created' || c.slice?.state === 'created') copiesMade++;
      const outcome = c.restore?.outcome;
      if (outcome === 'verified' || outcome === 'staged') {
        restored++;
        findings.push({
          server: r.server,
          problem: outcome === 'verified' ? 'restored' : 'restore-staged',
          detail: describe(c),
        });
      } else if (c.findings.some((f) => f.kind !== 'slice-copy')) {
        findings.push({ server: r.server, problem: 'image-corrupt', detail: describe(c) });
      }
      if (c.slice?.state === 'corrupt') {
        findings.push({
          server: r.server,
          problem: 'slice-copy-corrupt',
          detail: `${c.component}: ${c.slice.detail ?? 'digest differs'}`,
        });
      }
    }
    if (r.unprotected > 0) {
      findings.push({
        server: r.server,
        problem: 'backup-missing',
        detail: `${r.unprotected} images without a good copy`,
      });
    }
  }
  const notCheckable = reports.reduce((n, r) => n + (r.notCheckable ?? 0), 0);
  return {
    checked: reports.filter((r) => !r.error).length,
    findings,
    ...(notCheckable
      ? { warnings: [`${notCheckable} images not checkable (only Status and Version to go by)`] }
      : {}),
    data: {
      autoRestore,
      copiesMade,
      restored,
      corrupted: reports.reduce((n, r) => n + r.corrupted, 0),
      unprotected: reports.reduce((n, r) => n + r.unprotected, 0),
      // Images with only Status and Version to go by: not a problem found, not a clean bill either.
      notCheckable,
      mechanisms: Object.fromEntries(reports.map((r) => [r.server, r.mechanism ?? 'unknown'])),
    },
  };
}

function describe(c: ComponentBackup): string {
  const seen = c.findings.map((f) => f.detail).join('; ');
  const restore = c.restore
    ? `; restore from ${c.restore.source}: ${c.restore.outcome} (${c.restore.detail})`
    : '';
  return `${c.component}: ${seen || 'corrupted'}${restore}`;
}
