/**
 * What `firmwarden cluster status` shows: the instances (alive or gone, by their heartbeats),
 * who coordinates each unfinished rollout, and which instance holds which server in flight.
 * Read-only: it takes no lease and writes nothing.
 */
import type { InstanceRecord, Lease, RolloutStatus, Store } from '../store/types.ts';
import { isAlive } from './liveness.ts';

export interface ClusterStatus {
  at: string;
  instances: Array<InstanceRecord & { alive: boolean; holds: number }>;
  rollouts: Array<{
    id: string;
    name: string;
    status: RolloutStatus;
    /** The lease holder's instance name (or id), when the lease is live. */
    coordinator?: string;
    coordinatorUntil?: string;
    /** Servers in flight with their holder and step. */
    inFlight: Array<{ server: string; step: string; holder?: string; holderAlive: boolean }>;
    counts: Record<string, number>;
  }>;
}

const IN_FLIGHT = new Set(['claimed', 'drained', 'updating', 'verifying']);
const FINISHED = new Set(['completed', 'aborted']);

/** Reads the cluster's state from the store at `now`. */
export async function clusterStatus(store: Store, now: number): Promise<ClusterStatus> {
  const instances = await store.instances();
  const leases = new Map<string, Lease>((await store.leases('rollout:')).map((l) => [l.name, l]));
  const nameOf = (id: string) => instances.find((i) => i.id === id)?.name ?? id;
  const holds = new Map<string, number>();
  const rollouts: ClusterStatus['rollouts'] = [];
  for (const r of await store.listRollouts()) {
    if (FINISHED.has(r.status)) continue;
    const servers = await store.rolloutServers(r.id);
    const counts: Record<string, number> = {};
    for (const s of servers) counts[s.step] = (counts[s.step] ?? 0) + 1;
    const inFlight = servers
      .filter((s) => IN_FLIGHT.has(s.step))
      .map((s) => {
        if (s.holder) holds.set(s.holder, (holds.get(s.holder) ?? 0) + 1);
        return {
          server: s.server,
          step: s.step,
          ...(s.holder ? { holder: nameOf(s.holder) } : {}),
          holderAlive: isAlive(s.holder, instances, now),
        };
      });
    const lease = leases.get(`rollout:${r.id}`);
    const live = lease !== undefined && Date.parse(lease.expiresAt) > now;
    rollouts.push({
      id: r.id,
      name: r.name,
      status: r.status,
      ...(live ? { coordinator: nameOf(lease.holder), coordinatorUntil: lease.expiresAt } : {}),
      inFlight,
      counts,
    });
  }
  return {
    at: new Date(now).toISOString(),
    instances: instances.map((i) => ({
      ...i,
      alive: isAlive(i.id, instances, now),
      holds: holds.get(i.id) ?? 0,
    })),
    rollouts,
  };
}
