/**
 * firmwarden's Prometheus metrics. BMC traffic is counted as it happens in this process (the
 * Redfish transport publishes each try on a diagnostics channel); compliance, acting versions and
 * rollout progress are computed from the store at scrape time, so they hold whatever process did
 * the work; update outcomes are counted from the journal (every process's updates).
 *
 * Cardinality: per-BMC series are counters only (two per BMC); the latency histogram is
 * fleet-wide by HTTP method, since a histogram per BMC would be ~15 series per server.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { type RedfishRequestEvent, redfishRequestChannel } from '../redfish/transport.ts';
import type { ApiContext } from './context.ts';
import { currentPlan } from './fleet-view.ts';
import { MetricsRegistry } from './metrics-registry.ts';

/** Seconds; BMCs answer in tens of ms to tens of seconds (a $expand'ed inventory on an old iDRAC). */
export const BMC_LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] as const;

/** Rollouts that are finished are reported only while they are among the newest few. */
const FINISHED_ROLLOUTS_SHOWN = 5;

export class ApiMetrics {
  readonly registry = new MetricsRegistry();
  readonly compliance = this.registry.gauge(
    'firmwarden_compliance_components',
    'Installed components by kind and compliance state (compliant, outdated, unknown), from the newest inventory snapshots.',
  );
  readonly acting = this.registry.gauge(
    'firmwarden_acting_version_info',
    'The acting version (lowest installed) of each component line with a catalog target; value 1.',
  );
  readonly lineConverged = this.registry.gauge(
    'firmwarden_component_line_converged',
    'Whether every installed version of a component line equals its target (1) or not (0).',
  );
  readonly unscanned = this.registry.gauge(
    'firmwarden_inventory_servers',
    'Fleet servers by inventory state: read, unreadable (newest snapshot is an error), not-scanned.',
  );
  readonly rolloutServers = this.registry.gauge(
    'firmwarden_rollout_servers',
    'Servers of a rollout by step (pending, claimed, drained, updating, verifying, done, failed, skipped).',
  );
  readonly rolloutInfo = this.registry.gauge('firmwarden_rollout_info', 'A rollout and its status; value 1.');
  readonly updateOutcomes = this.registry.counter(
    'firmwarden_update_outcomes_total',
    'Component updates by outcome (verified, failed), counted from the journal of every process.',
  );
  readonly bmcRequests = this.registry.counter(
    'firmwarden_bmc_requests_total',
    'Redfish requests sent by this process, per BMC (each retry counts).',
  );
  readonly bmcErrors = this.registry.counter(
    'firmwarden_bmc_errors_total',
    'Redfish requests of this process that failed, per BMC: an HTTP status >= 400 (5xx, 4xx) or no answer (network).',
  );
  readonly bmcLatency = this.registry.histogram(
    'firmwarden_bmc_request_duration_seconds',
    'Redfish request latency of this process (until the body was read), fleet-wide by method.',
    BMC_LATENCY_BUCKETS,
  );
  readonly apiRequests = this.registry.counter(
    'firmwarden_api_requests_total',
    'HTTP API requests by route and status.',
  );
  readonly scrapeErrors = this.registry.gauge(
    'firmwarden_metrics_collect_errors',
    'Collectors that failed during this scrape (1 per failed part: compliance, rollouts, journal).',
  );
  readonly #onBmc = (message: unknown) => this.observeBmc(message as RedfishRequestEvent);

  constructor() {
    subscribe(redfishRequestChannel.name, this.#onBmc);
  }

  /** Stops listening to BMC traffic. */
  close(): void {
    unsubscribe(redfishRequestChannel.name, this.#onBmc);
  }

  observeBmc(e: RedfishRequestEvent): void {
    this.bmcRequests.inc({ bmc: e.origin });
    if (e.status === undefined) this.bmcErrors.inc({ bmc: e.origin, kind: 'network' });
    else if (e.status >= 400) this.bmcErrors.inc({ bmc: e.origin, kind: e.status >= 500 ? '5xx' : '4xx' });
    this.bmcLatency.observe({ method: e.method }, Math.max(0, e.durationMs) / 1000);
  }

  /** Refreshes the scrape-time families and renders everything. */
  async render(ctx: ApiContext): Promise<string> {
    this.scrapeErrors.reset();
    const failed = (part: string, err: unknown) => {
      this.scrapeErrors.set({ part }, 1);
      ctx.deps.logger.warn({ part, err: String((err as Error)?.message ?? err) }, 'metrics collector failed');
    };
    await Promise.all([
      this.#collectCompliance(ctx).catch((err) => failed('compliance', err)),
      this.#collectRollouts(ctx).catch((err) => failed('rollouts', err)),
      this.#collectJournal(ctx).catch((err) => failed('journal', err)),
    ]);
    return this.registry.render();
  }

  async #collectCompliance(ctx: ApiContext): Promise<void> {
    this.compliance.reset();
    this.acting.reset();
    this.lineConverged.reset();
    this.unscanned.reset();
    if (!ctx.config.fleet || !ctx.catalog.configured) return;
    const { plan, notScanned, servers } = await currentPlan(ctx);
    const unreadable = plan.servers.filter((s) => !s.readable).length;
    this.unscanned.set({ state: 'read' }, servers.length - notScanned.length - unreadable);
    this.unscanned.set({ state: 'unreadable' }, unreadable);
    this.unscanned.set({ state: 'not-scanned' }, notScanned.length);
    for (const [kind, k] of Object.entries(plan.compliance.byKind)) {
      if (!k) continue;
      for (const state of ['compliant', 'outdated', 'unknown'] as const)
        this.compliance.set({ kind, state }, k[state]);
      for (const line of k.lines) {
        if (line.targets.length === 0) continue;
        if (line.lowest !== undefined) this.acting.set({ line: line.key, kind, version: line.lowest }, 1);
        this.lineConverged.set({ line: line.key, kind }, line.converged ? 1 : 0);
      }
    }
  }

  async #collectRollouts(ctx: ApiContext): Promise<void> {
    this.rolloutServers.reset();
    this.rolloutInfo.reset();
    const all = await ctx.store.listRollouts();
    const finished = all
      .filter((r) => r.status === 'completed' || r.status === 'aborted')
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
      .slice(0, FINISHED_ROLLOUTS_SHOWN);
    const shown = all.filter(
      (r) => !(r.status === 'completed' || r.status === 'aborted') || finished.includes(r),
    );
    for (const r of shown) {
      this.rolloutInfo.set({ rollout: r.id, name: r.name, status: r.status }, 1);
      const counts = new Map<string, number>();
      for (const s of await ctx.store.rolloutServers(r.id)) counts.set(s.step, (counts.get(s.step) ?? 0) + 1);
      for (const [step, n] of counts) this.rolloutServers.set({ rollout: r.id, step }, n);
    }
  }

  async #collectJournal(ctx: ApiContext): Promise<void> {
    await ctx.journal.catchUp();
    for (const [outcome, n] of ctx.journal.updateOutcomes) this.updateOutcomes.set({ outcome }, n);
  }
}
