/**
 * firmwarden's Prometheus metrics. BMC traffic is counted as it happens in this process (the
 * Redfish transport publishes each try on a diagnostics channel); compliance, acting versions and
 * rollout progress are computed from the store at scrape time, so they hold whatever process did
 * the work; update outcomes are counted from the journal (every process's updates).
 *
 * Cardinality: per-BMC series are counters only (two per BMC); the latency histogram is
 * fleet-wide by HTTP method, since a histogram per BMC would be ~15 series per server. Per server
 * there are three gauges (inventory age, outdated and corrupt components).
 *
 * Labels carry human names (server name, component name as the catalog or BMC says it); where a
 * series stands for one component line, its internal key (`vendor|kind|identity|models`) is a
 * separate `key` label, so dashboards show names and joins still have a stable id.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { memberFindings } from '../backup/integrity.ts';
import { JOB_NAMES, JobOutcome } from '../daemon/job-names.ts';
import { type RedfishRequestEvent, redfishRequestChannel } from '../redfish/transport.ts';
import type { ApiContext } from './context.ts';
import { currentPlan, latestFleetInventory } from './fleet-view.ts';
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
    'The acting version (lowest installed) of each component line with a catalog target; value 1. component: its name, key: the line key.',
  );
  readonly lineConverged = this.registry.gauge(
    'firmwarden_component_line_converged',
    'Whether every installed version of a component line equals its target (1) or not (0). component: its name, key: the line key.',
  );
  readonly inventoryAge = this.registry.gauge(
    'firmwarden_inventory_age_seconds',
    "Seconds since each fleet server's newest inventory snapshot (+Inf: never scanned); alert on a stale one.",
  );
  readonly inventoryReadable = this.registry.gauge(
    'firmwarden_inventory_readable',
    "Whether each server's newest inventory snapshot could be read (1) or is an error (0): its data is older.",
  );
  readonly serverOutdated = this.registry.gauge(
    'firmwarden_server_outdated_components',
    'Installed components of each server older than their catalog target (newest snapshot against the catalog).',
  );
  readonly serverCorrupt = this.registry.gauge(
    'firmwarden_server_corrupt_components',
    'Components of each server found corrupt and not repaired since: backup checks (any process) and the inventory itself (Health Critical, UnavailableOffline, garbled Version).',
  );
  readonly jobOutcome = this.registry.gauge(
    'firmwarden_job_last_outcome',
    "The outcome of each daemon job's newest run: 1 for that outcome, 0 for the others (ok, partial, failed, skipped, cancelled).",
  );
  readonly jobLastRun = this.registry.gauge(
    'firmwarden_job_last_run_timestamp_seconds',
    "When each daemon job's newest run was journalled (Unix seconds), from the journal of every process.",
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
    // Every collector reads the journal's folds (corruption, job runs): one catch-up first.
    await ctx.journal.catchUp().catch((err) => failed('journal', err));
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
    this.inventoryAge.reset();
    this.inventoryReadable.reset();
    this.serverOutdated.reset();
    this.serverCorrupt.reset();
    if (!ctx.config.fleet) return;
    const fleet = await latestFleetInventory(ctx);
    this.#collectServers(ctx, fleet);
    if (!ctx.catalog.configured) return;
    const { plan, notScanned, servers } = await currentPlan(ctx, fleet);
    for (const s of plan.servers) {
      if (s.readable)
        this.serverOutdated.set(
          { server: s.server },
          s.decisions.filter((d) => d.compliance === 'outdated').length,
        );
    }
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
        const names = { component: line.label, kind, key: line.key };
        if (line.lowest !== undefined) this.acting.set({ ...names, version: line.lowest }, 1);
        this.lineConverged.set(names, line.converged ? 1 : 0);
      }
    }
  }

  /** Inventory age and readability per server; corrupt components per server. */
  #collectServers(ctx: ApiContext, fleet: Awaited<ReturnType<typeof latestFleetInventory>>): void {
    const now = ctx.deps.clock.now();
    for (const s of fleet.inventory.servers) {
      const at = Date.parse(s.scannedAt);
      this.inventoryAge.set(
        { server: s.server },
        Number.isNaN(at) ? Infinity : Math.max(0, (now - at) / 1000),
      );
      this.inventoryReadable.set({ server: s.server }, s.error ? 0 : 1);
    }
    for (const name of fleet.notScanned) this.inventoryAge.set({ server: name }, Infinity);
    // The dashboard's two sources: the journal's unrepaired findings and the inventory's own signs.
    const corrupt = new Map<string, Set<string>>();
    const mark = (server: string, component: string) => {
      const set = corrupt.get(server) ?? new Set<string>();
      corrupt.set(server, set.add(component));
    };
    for (const c of ctx.journal.corruption()) mark(c.server, c.component);
    for (const s of fleet.inventory.servers)
      for (const c of s.components) if (memberFindings(c).length > 0) mark(s.server, c.name);
    for (const s of fleet.servers) this.serverCorrupt.set({ server: s.name }, corrupt.get(s.name)?.size ?? 0);
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
    for (const [outcome, n] of ctx.journal.updateOutcomes) this.updateOutcomes.set({ outcome }, n);
    this.jobOutcome.reset();
    this.jobLastRun.reset();
    for (const job of JOB_NAMES) {
      const [last] = ctx.journal.jobRuns({ job, limit: 1 });
      if (!last) continue;
      const at = Date.parse(last.at);
      if (!Number.isNaN(at)) this.jobLastRun.set({ job }, at / 1000);
      if (last.outcome === undefined) continue;
      for (const outcome of Object.values(JobOutcome))
        this.jobOutcome.set({ job, outcome }, outcome === last.outcome ? 1 : 0);
    }
  }
}
