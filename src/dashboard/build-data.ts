/**
 * buildDashboardData: the fleet inventory, the planner's decisions and compliance summary, the
 * rollouts from the store and integrity findings, folded into the compact DashboardData the page
 * polls. Pure (no I/O, no clock: the caller passes `at`), so the HTTP API only gathers inputs and
 * the same function serves tests, the API and any other consumer.
 */
import type { FleetInventory } from '../inventory/model.ts';
import type { Compliance, Plan, PlanDecision } from '../planner/index.ts';
import { KIND_ORDER } from '../planner/index.ts';
import type { ComponentKind } from '../vocab.ts';
import { type CorruptionInput, corruptionFromInventory, indexCorruption } from './corruption.ts';
import {
  CELL_SEVERITY,
  CELL_STATES,
  type CellState,
  type DashboardActingLine,
  type DashboardData,
  type DashboardKindSummary,
  type DashboardServer,
} from './dashboard-data.ts';
import { inFlightSteps, type RolloutInput, rolloutsProgress } from './rollout-progress.ts';

export interface DashboardInput {
  /** The newest inventory snapshot per server (store.latestInventory(), or a sweep). */
  inventory: FleetInventory;
  /**
   * plan(inventory, catalog, policy) over that inventory. Absent when no catalog is configured:
   * every installed component is then unknown (say why in `problems`).
   */
  plan?: Plan;
  /** Fleet servers the store holds no snapshot of: shown as unknown, "never scanned". */
  notScanned?: ReadonlyArray<{ name: string; labels?: Record<string, string> }>;
  /** What could not be computed (no catalog, unreadable fleet file), shown above everything. */
  problems?: ReadonlyArray<{ code: string; message: string }>;
  /** Rollouts with their servers and acting versions (store.listRollouts + rolloutServers + actingVersions). */
  rollouts?: readonly RolloutInput[];
  /** Integrity findings beyond what the inventory shows (corruptionFromBackupReports, job findings). */
  corruption?: readonly CorruptionInput[];
  /** generatedAt (ISO 8601); the inventory's scannedAt when absent. */
  at?: string;
  /** Label keys to group servers by; default ["site", "rack"]. */
  groupBy?: readonly string[];
  /** Rollouts to include (default 5). */
  maxRollouts?: number;
}

const DEFAULT_GROUP_BY = ['site', 'rack'];
const DEFAULT_MAX_ROLLOUTS = 5;

const FROM_COMPLIANCE: Record<Compliance, CellState> = {
  compliant: 'ok',
  outdated: 'outdated',
  unknown: 'unknown',
};

/** Interns strings into one table: a version shared by 900 servers is sent once. */
class Strings {
  readonly list: string[] = [];
  readonly #index = new Map<string, number>();
  of(s: string | undefined): number {
    if (s === undefined) return -1;
    let i = this.#index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.#index.set(s, i);
    }
    return i;
  }
}

interface Cell {
  state: CellState;
  installed?: string;
  target?: string;
}

/** The worst decision per kind on one server, with the versions of the component that decided it. */
function cellsOf(decisions: readonly PlanDecision[]): Map<ComponentKind, Cell> {
  const cells = new Map<ComponentKind, Cell>();
  for (const d of decisions) {
    if (d.component === undefined) continue;
    const state = FROM_COMPLIANCE[d.compliance];
    const prev = cells.get(d.component.kind);
    if (prev !== undefined && CELL_SEVERITY[prev.state] >= CELL_SEVERITY[state]) continue;
    cells.set(d.component.kind, {
      state,
      installed: d.component.version,
      ...(d.target === undefined ? {} : { target: d.target.version }),
    });
  }
  return cells;
}

function groupOf(labels: Record<string, string>, groupBy: readonly string[]): string {
  return groupBy.map((k) => labels[k] ?? '-').join(' / ');
}

function catalogInfo(c: Plan['catalog']): DashboardData['catalog'] {
  return {
    file: c.file,
    format: c.format,
    ...(c.name === undefined ? {} : { name: c.name }),
    ...(c.dateTime === undefined ? {} : { dateTime: c.dateTime }),
    entries: c.entries,
  };
}

/** Builds what `GET /api/v1/dashboard` returns. */
export function buildDashboardData(input: DashboardInput): DashboardData {
  const { inventory, plan } = input;
  const servers: DashboardServer[] = [];
  const groupBy = [...(input.groupBy ?? DEFAULT_GROUP_BY)];
  const planned = new Map((plan?.servers ?? []).map((s) => [s.server, s]));
  const corruption = indexCorruption(inventory, [
    ...corruptionFromInventory(inventory),
    ...(input.corruption ?? []),
  ]);
  const steps = inFlightSteps(input.rollouts ?? []);

  const present = new Set<ComponentKind>();
  for (const s of inventory.servers) for (const c of s.components) present.add(c.kind);
  for (const s of plan?.servers ?? []) {
    for (const d of s.decisions) if (d.component) present.add(d.component.kind);
  }
  for (const byKind of corruption.values()) {
    for (const kind of byKind.keys()) if (kind !== '*') present.add(kind as ComponentKind);
  }
  const kinds = KIND_ORDER.filter((k) => present.has(k));

  const strings = new Strings();
  const counts = new Map<ComponentKind, number[]>(kinds.map((k) => [k, CELL_STATES.map(() => 0)]));
  const totals = { servers: 0, unreadable: 0, notScanned: 0, corruptCells: 0, outdatedCells: 0 };
  for (const inv of inventory.servers) {
    const sp = planned.get(inv.server);
    const unreadable = inv.error !== undefined || sp?.readable === false;
    const cells = cellsOf(sp?.decisions ?? []);
    // A component the plan does not cover (a plan from another sweep) is unknown, not compliant.
    for (const c of inv.components) if (!cells.has(c.kind)) cells.set(c.kind, { state: 'unknown' });
    const damaged = corruption.get(inv.server);
    const x: Record<string, string> = {};
    if (unreadable) x['*'] = inv.error?.message ?? 'inventory could not be read';
    for (const [kind, details] of damaged ?? []) {
      x[kind] = details.join('; ');
      if (kind === '*') continue;
      const cell = cells.get(kind as ComponentKind) ?? {};
      cells.set(kind as ComponentKind, { ...cell, state: 'corrupt' });
    }
    let s = '';
    const i: number[] = [];
    const t: number[] = [];
    for (const kind of kinds) {
      const cell = cells.get(kind) ?? { state: unreadable ? 'unknown' : 'none' };
      const code = CELL_STATES.indexOf(cell.state);
      s += String(code);
      i.push(strings.of(cell.installed));
      t.push(strings.of(cell.target));
      counts.get(kind)![code]!++;
      if (cell.state === 'corrupt') totals.corruptCells++;
      if (cell.state === 'outdated') totals.outdatedCells++;
    }
    totals.servers++;
    if (unreadable) totals.unreadable++;
    const step = steps.get(inv.server);
    const model = inv.model ?? sp?.model;
    servers.push({
      n: inv.server,
      g: groupOf(inv.labels, groupBy),
      v: inv.vendor,
      ...(model === undefined ? {} : { m: model }),
      s,
      i,
      t,
      ...(step === undefined ? {} : { r: step }),
      ...(Object.keys(x).length > 0 ? { x } : {}),
    });
  }
  const scanned = new Set(inventory.servers.map((x) => x.server));
  for (const missing of input.notScanned ?? []) {
    if (scanned.has(missing.name)) continue;
    totals.servers++;
    totals.notScanned++;
    for (const kind of kinds) counts.get(kind)![CELL_STATES.indexOf('unknown')]!++;
    servers.push({
      n: missing.name,
      g: groupOf(missing.labels ?? {}, groupBy),
      s: String(CELL_STATES.indexOf('unknown')).repeat(kinds.length),
      i: kinds.map(() => -1),
      t: kinds.map(() => -1),
      x: { '*': 'never scanned: the store holds no inventory of this server' },
    });
  }
  servers.sort((a, b) => a.g.localeCompare(b.g) || a.n.localeCompare(b.n, 'en', { numeric: true }));

  const summary: DashboardKindSummary[] = kinds.map((kind) => {
    const k = plan?.compliance.byKind[kind];
    return {
      kind,
      servers: counts.get(kind)!,
      components: { compliant: k?.compliant ?? 0, outdated: k?.outdated ?? 0, unknown: k?.unknown ?? 0 },
    };
  });

  const acting: DashboardActingLine[] = [];
  for (const kind of KIND_ORDER) {
    for (const l of plan?.compliance.byKind[kind]?.lines ?? []) {
      acting.push({
        kind,
        vendor: l.vendor,
        label: l.label,
        key: l.key,
        servers: l.servers,
        ...(l.lowest === undefined ? {} : { lowest: l.lowest }),
        ...(l.highest === undefined ? {} : { highest: l.highest }),
        targets: l.targets,
        converged: l.converged,
        ...(l.incomparable === undefined
          ? {}
          : { incomparable: `${l.incomparable.pair.join(' vs ')}: ${l.incomparable.reason}` }),
      });
    }
  }

  const rollouts = rolloutsProgress(input.rollouts ?? [], input.maxRollouts ?? DEFAULT_MAX_ROLLOUTS);
  const lineByKey = new Map(acting.map((a) => [a.key, a]));
  for (const r of rollouts) {
    for (const a of r.acting) {
      const known = lineByKey.get(a.line);
      if (known !== undefined) Object.assign(a, { vendor: known.vendor, label: known.label });
    }
  }

  return {
    schema: 1,
    generatedAt: input.at ?? inventory.scannedAt,
    scannedAt: inventory.scannedAt,
    groupBy,
    kinds,
    states: CELL_STATES,
    strings: strings.list,
    servers,
    summary,
    acting,
    rollouts,
    catalog: plan === undefined ? null : catalogInfo(plan.catalog),
    problems: [...(input.problems ?? [])],
    totals,
  };
}
