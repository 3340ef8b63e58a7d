/**
 * What an operator narrows a plan to without writing a policy: servers by name and by label,
 * component kinds, catalog entries. Each choice is checked against the fleet, the catalog and
 * (after the sweep) the inventory, so a typo is an error naming it, never an empty plan.
 */
import type { Catalog } from '../catalog/index.ts';
import { ConfigError } from '../errors.ts';
import type { FleetInventory } from '../inventory/model.ts';
import type { Plan, PlanPolicy } from '../planner/index.ts';
import type { LabelSelector } from '../planner/policy.ts';
import { selectorMatches } from '../planner/policy-rules.ts';
import type { ComponentKind } from '../vocab.ts';
import type { ResolvedServer } from './load.ts';

/** One-off narrowing of a plan (command-line flags, API parameters). */
export interface PlanSelection {
  /** Only these servers (by name); unknown names are an error. */
  only?: string[];
  /** Only servers whose labels match every key (a value, or one of several). */
  labels?: LabelSelector;
  /** Only components of these kinds. */
  kinds?: ComponentKind[];
  /** Only these catalog entries (by id). */
  entries?: string[];
}

/** The servers the selection names, in the order given (names) or fleet order (labels). */
export function selectServers(all: ResolvedServer[], sel: PlanSelection, source: string): ResolvedServer[] {
  let servers = all;
  if (sel.only) {
    const byName = new Map(all.map((s) => [s.name, s]));
    const missing = sel.only.filter((n) => !byName.has(n));
    if (missing.length) throw new ConfigError(source, `no server named ${missing.join(', ')} in the fleet`);
    servers = sel.only.map((n) => byName.get(n) as ResolvedServer);
  }
  const labels = sel.labels;
  if (labels) {
    servers = servers.filter((s) => selectorMatches(labels, s.labels));
    if (servers.length === 0)
      throw new ConfigError(
        source,
        `no${sel.only ? ' named' : ''} server matches the labels ${selectorText(labels)}`,
      );
  }
  return servers;
}

/**
 * The policy with the selection's kinds and entries folded in. Kinds narrow the policy's own
 * kinds.allow (a policy is a guard rail: the command line cannot widen it). Throws, before any
 * BMC is contacted, for a kind or entry the catalog does not have.
 */
export function selectionPolicy(
  policy: PlanPolicy,
  sel: PlanSelection,
  catalog: Catalog,
  catalogFile: string,
): PlanPolicy {
  let out = policy;
  if (sel.kinds?.length) {
    for (const kind of sel.kinds) {
      if (!catalog.entries.some((e) => e.kind === kind))
        throw new ConfigError(catalogFile, `kind ${kind}: no catalog entry updates a component of this kind`);
    }
    const allowed = policy.kinds?.allow;
    const allow = allowed ? sel.kinds.filter((k) => allowed.includes(k)) : [...sel.kinds];
    if (allow.length === 0)
      throw new ConfigError(
        'policy',
        `kind ${sel.kinds.join(', ')}: the policy allows only ${allowed?.join(', ')} (kinds.allow)`,
      );
    out = { ...out, kinds: { ...out.kinds, allow } };
  }
  if (sel.entries?.length) {
    const ids = new Set(catalog.entries.map((e) => e.id));
    const unknown = sel.entries.filter((id) => !ids.has(id));
    if (unknown.length)
      throw new ConfigError(
        catalogFile,
        `entry ${unknown.join(', ')}: not in the catalog (${catalog.entries.length} entries; catalog show lists them)`,
      );
    out = { ...out, entries: [...sel.entries] };
  }
  return out;
}

/** Throws when a chosen kind or entry matches no installed component of the readable servers. */
export function checkSelectionMatched(
  sel: PlanSelection,
  inventory: FleetInventory,
  plan: Plan,
  source: string,
): void {
  const read = inventory.servers.filter((s) => !s.error);
  // Unreadable servers say nothing about what is installed: the plan reports them.
  if (read.length === 0) return;
  for (const kind of sel.kinds ?? []) {
    if (!read.some((s) => s.components.some((c) => c.kind === kind)))
      throw new ConfigError(source, `kind ${kind}: no chosen server has a component of this kind installed`);
  }
  for (const id of sel.entries ?? []) {
    if (!plan.servers.some((s) => s.decisions.some((d) => d.target?.entryId === id)))
      throw new ConfigError(
        source,
        `entry ${id}: it matches no component installed on the chosen servers${sel.kinds?.length ? ` (of kind ${sel.kinds.join(', ')})` : ''}`,
      );
  }
}

function selectorText(sel: LabelSelector): string {
  return Object.entries(sel)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('|') : v}`)
    .join(',');
}
