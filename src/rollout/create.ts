/** Creating a rollout: validate every input, select the servers, assign waves, store it all. */
import { randomBytes } from 'node:crypto';
import { loadCatalog } from '../catalog/index.ts';
import { ConfigError } from '../errors.ts';
import { loadFleetFile } from '../fleet/load.ts';
import { loadPolicyFile } from '../fleet/plan-fleet.ts';
import type { RolloutRecord, Store } from '../store/types.ts';
import type { LoadedSpec } from './spec.ts';
import { assignWaves, selectServers } from './waves.ts';

/** What the store keeps as the rollout's spec: the spec plus its resolved file paths. */
export interface StoredSpec {
  spec: LoadedSpec['spec'];
  specFile: string;
  fleetFile: string;
  catalogFile: string;
  policyFile?: string;
}

export async function createRollout(
  store: Store,
  loaded: LoadedSpec,
  opts: { id?: string } = {},
): Promise<RolloutRecord> {
  // Bad input fails here, before anything is stored.
  const fleet = await loadFleetFile(loaded.fleetFile);
  await loadCatalog(loaded.catalogFile);
  if (loaded.policyFile) await loadPolicyFile(loaded.policyFile);
  const servers = selectServers(fleet, loaded.spec);
  if (servers.length === 0)
    throw new ConfigError(loaded.file, 'servers: the selection matches no server of the fleet');
  const waves = assignWaves(servers, loaded.spec);
  const stored: StoredSpec = {
    spec: loaded.spec,
    specFile: loaded.file,
    fleetFile: loaded.fleetFile,
    catalogFile: loaded.catalogFile,
    ...(loaded.policyFile ? { policyFile: loaded.policyFile } : {}),
  };
  return store.createRollout({
    id: opts.id ?? `${loaded.spec.name}-${randomBytes(3).toString('hex')}`,
    name: loaded.spec.name,
    spec: stored,
    servers: servers.map((s) => ({ server: s.name, wave: waves.get(s.name) ?? 0, labels: s.labels })),
  });
}
