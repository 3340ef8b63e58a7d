/**
 * integrity-check: run every registered integrity check (see integrity-checks.ts; the backup slice
 * check is the built-in one) over the fleet and record each one's findings. A check with nothing
 * to look at says why; when no check looked at anything the run is "skipped", never "ok": it
 * claims nothing about the fleet.
 */
import { loadFleetFile, type ResolvedServer } from '../../fleet/load.ts';
import {
  defaultIntegrityChecks,
  type IntegrityCheckRegistry,
  type IntegrityFinding,
} from '../integrity-checks.ts';
import type { JobContext, JobReport } from '../job-context.ts';
import { errorInfo } from '../job-errors.ts';

/** Findings listed per check in the journal entry; the counts are always complete. */
const LISTED = 50;

/** Finding problems that mean "found and fixed in this run". */
const REPAIRED = new Set(['restored']);

export function integrityCheck(ctx: JobContext): Promise<JobReport> {
  return runIntegrityChecks(ctx, defaultIntegrityChecks());
}

/** Runs the checks of `registry`; one check failing does not stop the others. */
export async function runIntegrityChecks(
  ctx: JobContext,
  registry: IntegrityCheckRegistry,
): Promise<JobReport> {
  const checks = registry.list();
  if (checks.length === 0) {
    return {
      outcome: 'skipped',
      summary: 'skipped: no integrity checker is configured',
      data: { reason: 'no integrity checker is configured', checks: [] },
    };
  }
  const servers: ResolvedServer[] = ctx.config.fleet ? await loadFleetFile(ctx.config.fleet) : [];
  const results: Array<Record<string, unknown>> = [];
  let findings = 0;
  let repaired = 0;
  let failedChecks = 0;
  const skipped: string[] = [];
  const warnings: string[] = [];
  for (const { name, check } of checks) {
    if (ctx.signal.aborted) break;
    try {
      const r = await check({
        servers,
        store: ctx.store,
        deps: ctx.deps,
        images: ctx.config.images,
        stateDir: ctx.config.stateDir,
        config: ctx.config,
        actor: ctx.actor,
        signal: ctx.signal,
      });
      if (r.skipped !== undefined) {
        skipped.push(`${name}: ${r.skipped}`);
        results.push({ name, skipped: r.skipped });
        continue;
      }
      // A finding that was repaired in the same run ("restored") is reported, not a problem left.
      const repairedNow = r.findings.filter((f) => REPAIRED.has(f.problem)).length;
      findings += r.findings.length - repairedNow;
      for (const w of r.warnings ?? []) warnings.push(`${name}: ${w}`);
      repaired += repairedNow;
      results.push({
        name,
        checked: r.checked,
        findings: r.findings.length,
        ...(r.findings.length ? { problems: r.findings.slice(0, LISTED) satisfies IntegrityFinding[] } : {}),
        ...(r.data ? { data: r.data } : {}),
      });
    } catch (err) {
      failedChecks++;
      ctx.deps.logger.error({ check: name, err: errorInfo(err) }, 'integrity check failed');
      results.push({ name, error: errorInfo(err) });
    }
  }
  if (skipped.length === checks.length) {
    return {
      outcome: 'skipped',
      summary: `skipped: ${skipped.join('; ')}`,
      data: { reason: skipped.join('; '), checks: results },
    };
  }
  const summary =
    `${checks.length} integrity checks: ${findings} problems found` +
    (repaired ? `; ${repaired} repaired` : '') +
    (skipped.length ? `; ${skipped.length} skipped (${skipped.join('; ')})` : '') +
    (warnings.length ? `; ${warnings.join('; ')}` : '') +
    (failedChecks ? `; ${failedChecks} checks failed to run` : '');
  return {
    outcome:
      failedChecks === checks.length - skipped.length
        ? 'failed'
        : findings > 0 || failedChecks > 0
          ? 'partial'
          : 'ok',
    summary,
    data: { checks: results, findings, repaired, ...(warnings.length ? { warnings } : {}) },
  };
}
