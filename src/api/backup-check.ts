/**
 * The backup check an operator starts through the API: backupFleet('check') over the fleet (or
 * some servers) with the configured catalog's digests, an image server for BMCs that pull copies,
 * under the integrity-check job's store lease so it never overlaps the daemon's own check. Each
 * server's result is journalled as `backup.check` with the corrupt images it left unrepaired
 * (GET /api/v1/backups shows the newest; the dashboard marks those images corrupt).
 */
import { backupFleet, type ServerBackupReport } from '../backup/index.ts';
import { ImageStore } from '../catalog/index.ts';
import { jobLeaseName } from '../daemon/job-names.ts';
import type { DaemonConfig } from '../daemon/load-config.ts';
import { corruptionFromBackupReports } from '../dashboard/index.ts';
import { startImageServer } from '../executor/image-server.ts';
import type { ResolvedServer } from '../fleet/load.ts';
import { ApiError } from './api-errors.ts';
import type { ApiContext } from './context.ts';

/** The daemon config's backup section, where the config has one. */
interface BackupSettings {
  autoRestore?: boolean;
  sliceName?: string;
  imageServer?: { host?: string; port?: number; url?: string; tls?: boolean };
}

export interface BackupCheckSummary {
  servers: number;
  corrupted: number;
  unprotected: number;
  /** Images with only Status and Version to go by: neither healthy nor corrupt. */
  notCheckable: number;
  failed: number;
  reports: Array<
    Pick<
      ServerBackupReport,
      'server' | 'mechanism' | 'detail' | 'corrupted' | 'unprotected' | 'notCheckable' | 'error'
    >
  >;
}

export async function runBackupCheck(
  ctx: ApiContext,
  servers: ResolvedServer[],
  opts: { autoRestore?: boolean; actor: string },
): Promise<BackupCheckSummary> {
  const settings = (ctx.config as DaemonConfig & { backup?: BackupSettings }).backup ?? {};
  const catalog = await ctx.catalog.get();
  const holder = `${ctx.processActor}#backup-check`;
  const leaseName = jobLeaseName('integrity-check');
  const lease = await ctx.store.acquireLease(leaseName, holder, ctx.config.leaseTtlMs);
  if (lease.holder !== holder) {
    throw new ApiError(
      'FW_API_CONFLICT',
      `a backup check is running elsewhere (${lease.holder} holds ${leaseName} until ${lease.expiresAt})`,
    );
  }
  const renew = setInterval(
    () => void ctx.store.acquireLease(leaseName, holder, ctx.config.leaseTtlMs).catch(() => undefined),
    Math.max(1_000, ctx.config.leaseTtlMs / 3),
  );
  renew.unref();
  const is = settings.imageServer;
  const store = await ImageStore.open(ctx.config.images);
  const imageServer = await startImageServer(
    {
      store,
      host: is?.host ?? '127.0.0.1',
      port: is?.port ?? 0,
      tls: is?.tls === false ? undefined : 'self-signed',
      ...(is?.url ? { publicUrl: is.url } : {}),
    },
    ctx.deps,
  );
  try {
    const reports = await backupFleet(
      'check',
      {
        servers,
        catalog: catalog.entries,
        store,
        state: ctx.store,
        actor: opts.actor,
        imageServer,
        ...(settings.sliceName ? { sliceName: settings.sliceName } : {}),
      },
      ctx.deps,
      { autoRestore: opts.autoRestore ?? settings.autoRestore ?? false },
    );
    const summary: BackupCheckSummary = {
      servers: reports.length,
      corrupted: reports.reduce((n, r) => n + r.corrupted, 0),
      unprotected: reports.reduce((n, r) => n + r.unprotected, 0),
      notCheckable: reports.reduce((n, r) => n + r.notCheckable, 0),
      failed: reports.filter((r) => r.error).length,
      reports: reports.map((r) => ({
        server: r.server,
        ...(r.mechanism ? { mechanism: r.mechanism } : {}),
        detail: r.detail,
        corrupted: r.corrupted,
        unprotected: r.unprotected,
        notCheckable: r.notCheckable,
        ...(r.error ? { error: r.error } : {}),
      })),
    };
    for (const r of reports) {
      const { server, ...data } = summary.reports.find((s) => s.server === r.server) ?? { server: r.server };
      const corrupt = corruptionFromBackupReports(r.error ? [] : [r]).map(({ server: _s, ...c }) => c);
      await ctx.store.append({
        actor: opts.actor,
        server,
        event: 'backup.check',
        data: { ...data, corrupt },
      });
    }
    return summary;
  } finally {
    clearInterval(renew);
    await imageServer.close();
    await ctx.store.releaseLease(leaseName, holder);
  }
}
