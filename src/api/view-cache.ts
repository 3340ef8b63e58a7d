/**
 * What the API's read views (dashboard, compliance, plan, metrics) would otherwise redo on every
 * poll: parsing and validating the fleet file (the largest cost at 1,000 servers: YAML + zod) and
 * planning unchanged snapshots against an unchanged catalog. The fleet is re-read when the file's
 * size or mtime changes; a plan is reused while the catalog object, the policy file and every
 * server's newest snapshot (name and scan time) are the same. Paths that talk to BMCs (refresh,
 * backup check) read the fleet afresh, so rotated credentials are always used.
 */
import { stat } from 'node:fs/promises';
import type { Catalog } from '../catalog/index.ts';
import { loadFleetFile, type ResolvedServer } from '../fleet/load.ts';
import type { FleetInventory } from '../inventory/model.ts';
import type { Plan } from '../planner/index.ts';

async function fileKey(path: string): Promise<string> {
  const s = await stat(path).catch(() => undefined);
  return s ? `${s.size}:${s.mtimeMs}` : 'missing';
}

export class ViewCache {
  #fleet: { path: string; key: string; servers: Promise<ResolvedServer[]> } | undefined;
  #plan: { catalog: Catalog; policyKey: string; snapshots: string; plan: Plan } | undefined;

  /** The fleet file's servers, parsed again only when the file changed. */
  async fleet(path: string): Promise<ResolvedServer[]> {
    const key = await fileKey(path);
    const cached = this.#fleet;
    if (cached && cached.path === path && cached.key === key) return cached.servers;
    const servers = loadFleetFile(path);
    this.#fleet = { path, key, servers };
    // A failed read is not kept: the next request reports the error afresh.
    servers.catch(() => {
      if (this.#fleet?.servers === servers) this.#fleet = undefined;
    });
    return servers;
  }

  /** A plan of these snapshots, reused while nothing it depends on changed. */
  async plan(
    inventory: FleetInventory,
    catalog: Catalog,
    policyFile: string | undefined,
    make: () => Promise<Plan> | Plan,
  ): Promise<Plan> {
    const policyKey = policyFile ? `${policyFile}@${await fileKey(policyFile)}` : '';
    const snapshots = inventory.servers.map((s) => `${s.server}@${s.scannedAt}`).join('\n');
    const cached = this.#plan;
    if (
      cached &&
      cached.catalog === catalog &&
      cached.policyKey === policyKey &&
      cached.snapshots === snapshots
    ) {
      return cached.plan;
    }
    const plan = await make();
    this.#plan = { catalog, policyKey, snapshots, plan };
    return plan;
  }
}
