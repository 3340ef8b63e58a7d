/**
 * The read-only half of every workflow (plan, update, rollout, demo): load and validate all
 * inputs first — policy, catalog, fleet — so bad input fails before any BMC is contacted, then
 * sweep the chosen servers and plan. Returns everything the next step needs.
 */
import { readFile } from 'node:fs/promises';
import { type Catalog, loadCatalog } from '../catalog/index.ts';
import type { Deps } from '../deps.ts';
import { ConfigError } from '../errors.ts';
import type { FleetInventory } from '../inventory/model.ts';
import { type SweepOptions, sweepFleet } from '../inventory/sweep.ts';
import { type Plan, PlanError, type PlanPolicy, parsePolicyText, plan } from '../planner/index.ts';
import { loadFleetFile, type ResolvedServer } from './load.ts';
import { checkSelectionMatched, type PlanSelection, selectionPolicy, selectServers } from './selection.ts';

export interface PlanFleetInput {
  fleetFile: string;
  catalogFile: string;
  policyFile?: string;
  /** Overrides a Dell catalog's baseLocation (mirrors). */
  baseUrl?: string;
  /** Only these servers (by name); unknown names are an error. All when absent. */
  only?: string[];
  /** Narrows servers (labels), components (kinds) and entries, checked against every input. */
  select?: Omit<PlanSelection, 'only'>;
  sweep?: SweepOptions;
}

export interface PlannedFleet {
  servers: ResolvedServer[];
  catalog: Catalog;
  policy: PlanPolicy;
  inventory: FleetInventory;
  plan: Plan;
}

/** Reads a policy file (YAML or JSON). */
export async function loadPolicyFile(path: string): Promise<PlanPolicy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, `cannot read policy file: ${(err as Error).message}`, { cause: err });
  }
  return parsePolicyText(text, path);
}

/** Loads every input, sweeps the chosen servers and plans them. */
export async function planFleet(input: PlanFleetInput, deps: Deps): Promise<PlannedFleet> {
  const sel: PlanSelection = { ...input.select, ...(input.only ? { only: input.only } : {}) };
  const filePolicy = input.policyFile ? await loadPolicyFile(input.policyFile) : {};
  const catalog = await loadCatalog(
    input.catalogFile,
    input.baseUrl === undefined ? {} : { baseUrl: input.baseUrl },
  );
  const policy = selectionPolicy(filePolicy, sel, catalog, input.catalogFile);
  const servers = selectServers(await loadFleetFile(input.fleetFile), sel, input.fleetFile);
  const inventory = await sweepFleet(servers, deps, input.sweep);
  let planned: Plan;
  try {
    planned = plan(inventory, catalog, policy);
  } catch (err) {
    // A prerequisite cycle is a property of the catalog: name the file.
    if (err instanceof PlanError) throw new ConfigError(input.catalogFile, err.message, { cause: err });
    throw err;
  }
  checkSelectionMatched(sel, inventory, planned, input.fleetFile);
  return { servers, catalog, policy, inventory, plan: planned };
}
