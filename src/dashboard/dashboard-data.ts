/**
 * The dashboard's wire shape: what `GET /api/v1/dashboard` returns and the page draws. Compact on
 * purpose — a fleet of 1,000 servers × ~12 component kinds is one short row per server with one
 * state digit per kind and versions interned in one string table, not 12,000 verbose objects —
 * so a 5-second poll stays cheap for the API, the network and the browser.
 */
import type { ComponentKind, Vendor } from '../vocab.ts';

/**
 * State of one heatmap cell (one server, one component kind), worst component first: a server
 * with one corrupt and one current NIC shows the NIC cell corrupt. The digit is the wire code.
 */
export const CellState = {
  /** 0: the server reports no component of this kind. */
  none: 'none',
  /** 1: every component of the kind is compliant (at target, or newer and no downgrade planned). */
  ok: 'ok',
  /** 2: some component is older than its catalog target (or a planned downgrade). */
  outdated: 'outdated',
  /** 3: no catalog entry, versions that cannot be ordered, or the server could not be read. */
  unknown: 'unknown',
  /** 4: an integrity signal: Health Critical, UnavailableOffline, garbled version, bad digest/SPDM. */
  corrupt: 'corrupt',
} as const;
export type CellState = (typeof CellState)[keyof typeof CellState];

/** Wire codes: the index is the digit in DashboardServer.s. */
export const CELL_STATES: readonly CellState[] = ['none', 'ok', 'outdated', 'unknown', 'corrupt'];

/** Which state wins when a server has several components of one kind (higher wins). */
export const CELL_SEVERITY: Readonly<Record<CellState, number>> = {
  none: 0,
  ok: 1,
  unknown: 2,
  outdated: 3,
  corrupt: 4,
};

/** One server: a heatmap column, one cell per kind. Short keys: there are a thousand of these. */
export interface DashboardServer {
  /** Server name (fleet file). */
  n: string;
  /** Group label, e.g. "fra1 / r12" (the groupBy label values; "-" for a missing one). */
  g: string;
  /** Vendor (absent for a server never scanned). */
  v?: Vendor;
  /** ComputerSystem.Model, when known. */
  m?: string;
  /** One CELL_STATES digit per entry of DashboardData.kinds, e.g. "21330". */
  s: string;
  /** Installed version per kind (the component that decided the state): index into strings, -1 none. */
  i: number[];
  /** Catalog target per kind: index into strings, -1 none. */
  t: number[];
  /** Step in the newest unfinished rollout, when in flight or failed (claimed … verifying, failed). */
  r?: string;
  /** Why a cell is corrupt or the server unknown: kind (or "*" for the server) → one sentence. */
  x?: Record<string, string>;
}

/** Servers of one kind in each state (the summary table), and the planner's component counts. */
export interface DashboardKindSummary {
  kind: ComponentKind;
  /** Servers per state, indexed like CELL_STATES. */
  servers: number[];
  /** Installed components per compliance (the planner's counts; corrupt ones are counted too). */
  components: { compliant: number; outdated: number; unknown: number };
}

/** The acting version of one component line (same vendor, kind, identity). */
export interface DashboardActingLine {
  kind: ComponentKind;
  vendor: Vendor;
  /** Catalog entry name, or the component name where no entry matches. */
  label: string;
  /** Planner line key. */
  key: string;
  servers: number;
  /** The acting version: lowest installed anywhere (absent when versions cannot be ordered). */
  lowest?: string;
  highest?: string;
  /** Distinct targets (one unless pins differ); empty when the catalog has no entry. */
  targets: string[];
  converged: boolean;
  /** Set when versions cannot be ordered: why. */
  incomparable?: string;
}

/** Servers of a rollout (or of one wave) per step group, for a progress bar. */
export interface DashboardProgress {
  total: number;
  /** done + skipped. */
  done: number;
  failed: number;
  /** claimed, drained, updating, verifying: out of service now or about to be. */
  updating: number;
  pending: number;
}

/** One rollout's live progress. */
export interface DashboardRollout {
  id: string;
  name: string;
  status: string;
  note?: string;
  createdAt: string;
  updatedAt: string;
  progress: DashboardProgress;
  /** Per wave (0 = canary), in order. */
  waves: Array<DashboardProgress & { wave: number }>;
  /** The wave being worked on: lowest wave with servers not done (absent when all are). */
  currentWave?: number;
  /** Failed servers with the last error (at most 20, names sorted). */
  failed: Array<{ server: string; detail?: string }>;
  /** The acting version per line as the rollout driver last recorded it. */
  acting: Array<{
    kind: string;
    line: string;
    /** Vendor and label of the line when the current plan knows it; else label is the recorded name. */
    vendor?: string;
    label?: string;
    lowest?: string;
    target?: string;
    converged: boolean;
  }>;
}

/** Everything the page shows. */
export interface DashboardData {
  /** Bumped when the shape changes incompatibly. */
  schema: 1;
  /** When the caller built it (ISO 8601). */
  generatedAt: string;
  /** When the newest inventory was read. */
  scannedAt?: string;
  /** Label keys servers are grouped by, e.g. ["site", "rack"]. */
  groupBy: string[];
  /** Heatmap rows, in the order of the state digits. */
  kinds: ComponentKind[];
  /** CELL_STATES, so the page needs no copy of the codes. */
  states: readonly CellState[];
  /** Interned version strings referenced by DashboardServer.i and .t. */
  strings: string[];
  /** Sorted by group, then name. */
  servers: DashboardServer[];
  summary: DashboardKindSummary[];
  acting: DashboardActingLine[];
  /** Newest first; unfinished ones before finished ones. */
  rollouts: DashboardRollout[];
  /** The catalog the plan used; null when there was no plan. */
  catalog: { file: string; format: string; name?: string; dateTime?: string; entries: number } | null;
  /** What could not be computed; empty when all is well. */
  problems: Array<{ code: string; message: string }>;
  totals: {
    servers: number;
    /** Servers whose newest snapshot is an error. */
    unreadable: number;
    /** Fleet servers without any snapshot. */
    notScanned: number;
    corruptCells: number;
    outdatedCells: number;
  };
}
