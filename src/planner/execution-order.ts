/**
 * The order actions run in on one server: BMC first (a BMC reset mid-sequence would lose the
 * others' tasks), then BIOS, CPLD, storage, NIC, drives, PSU, everything else; `after`
 * prerequisites override that order (a topological sort that prefers the kind order). A cycle is
 * a catalog defect and an error naming the entries.
 */
import type { CatalogEntry } from '../catalog/model.ts';
import type { ComponentKind } from '../vocab.ts';
import { PlanError, PlanErrorCode } from './plan-errors.ts';

/** Kind rank in execution order; management and other share the last place. */
export const KIND_ORDER: readonly ComponentKind[] = [
  'bmc',
  'bios',
  'cpld',
  'storage',
  'nic',
  'drive',
  'psu',
  'management',
  'other',
];
const RANK: Record<ComponentKind, number> = {
  bmc: 0,
  bios: 1,
  cpld: 2,
  storage: 3,
  nic: 4,
  drive: 5,
  psu: 6,
  management: 7,
  other: 7,
};

export function kindRank(kind: ComponentKind): number {
  return RANK[kind];
}

/** One action to order: `key` identifies it in `before`. */
export interface Orderable {
  key: number;
  kind: ComponentKind;
  entryId: string;
  /** Tie-break after the kind (component name, then id). */
  tie: string;
}

/**
 * Orders actions; `before.get(k)` are the keys that must run before k. Throws PlanError on a cycle.
 */
export function orderActions(
  items: readonly Orderable[],
  before: ReadonlyMap<number, ReadonlySet<number>>,
  server: string,
): Orderable[] {
  const byKey = new Map(items.map((i) => [i.key, i]));
  const pending = new Map<number, number>();
  const after = new Map<number, number[]>();
  for (const item of items) {
    const deps = [...(before.get(item.key) ?? [])].filter((k) => byKey.has(k));
    pending.set(item.key, deps.length);
    for (const d of deps) after.set(d, [...(after.get(d) ?? []), item.key]);
  }
  const cmp = (a: Orderable, b: Orderable) =>
    RANK[a.kind] - RANK[b.kind] || a.tie.localeCompare(b.tie) || a.key - b.key;
  const ready = items.filter((i) => pending.get(i.key) === 0);
  const out: Orderable[] = [];
  while (ready.length > 0) {
    ready.sort(cmp);
    const next = ready.shift()!;
    out.push(next);
    for (const k of after.get(next.key) ?? []) {
      const left = pending.get(k)! - 1;
      pending.set(k, left);
      if (left === 0) ready.push(byKey.get(k)!);
    }
  }
  if (out.length < items.length) {
    const stuck = items.filter((i) => !out.includes(i)).map((i) => i.entryId);
    const ids = [...new Set(stuck)];
    throw new PlanError(
      PlanErrorCode.prerequisiteCycle,
      `server ${server}: prerequisites.after form a cycle among ${ids.join(', ')}`,
      ids,
    );
  }
  return out;
}

/** Throws PlanError when the catalog's `after` links form a cycle (names the entries in order). */
export function assertNoPrerequisiteCycle(entries: readonly CatalogEntry[]): void {
  const byId = new Map(entries.map((e) => [e.id, e]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): void => {
    const s = state.get(id);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...stack.slice(stack.indexOf(id)), id];
      throw new PlanError(
        PlanErrorCode.prerequisiteCycle,
        `catalog prerequisites.after form a cycle: ${cycle.join(' → ')}`,
        cycle.slice(0, -1),
      );
    }
    state.set(id, 'visiting');
    stack.push(id);
    for (const next of byId.get(id)?.prerequisites?.after ?? []) if (byId.has(next)) visit(next);
    stack.pop();
    state.set(id, 'done');
  };
  for (const e of entries) if (e.prerequisites?.after) visit(e.id);
}
