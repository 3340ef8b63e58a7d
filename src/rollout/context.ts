/** Everything one rollout driver works with, loaded once per drive. */
import type { Catalog, ImageStore } from '../catalog/index.ts';
import type { Deps } from '../deps.ts';
import type { ImageServer } from '../executor/image-server.ts';
import type { Journal } from '../executor/journal.ts';
import type { UpdateEvent } from '../executor/update-server.ts';
import type { ResolvedServer } from '../fleet/load.ts';
import type { Planner, PlanPolicy } from '../planner/index.ts';
import type { ActingVersionRecord, ServerStep, Store } from '../store/types.ts';
import type { RolloutProgress } from './progress.ts';
import type { RolloutSpec } from './spec.ts';

export type RolloutEvent =
  | {
      type: 'server';
      server: string;
      step: ServerStep | string;
      detail?: string;
      /** Waiting for a task, the BMC or the host (update-server.ts UpdateEvent.wait). */
      wait?: UpdateEvent['wait'];
    }
  /** Counts and the wave under way, whenever they change (progress.ts). */
  | ({ type: 'progress' } & RolloutProgress)
  | { type: 'acting'; lines: ActingVersionRecord[] }
  /** `wait`: the driver sleeps until the next maintenance window opens. */
  | { type: 'rollout'; status: string; note?: string; wait?: UpdateEvent['wait'] }
  /** This instance's role in a shared rollout changed. */
  | { type: 'cluster'; role: 'coordinator' | 'worker'; note: string };

export interface RolloutContext {
  id: string;
  spec: RolloutSpec;
  store: Store;
  deps: Deps;
  actor: string;
  servers: Map<string, ResolvedServer>;
  catalog: Catalog;
  /** The plan policy with the spec's component filter folded in. */
  policy: PlanPolicy;
  /** catalog and policy made ready once: every server is planned from a fresh scan with it. */
  planner: Planner;
  images: ImageStore;
  imageServer: ImageServer;
  journal: Journal;
  emit: (e: RolloutEvent) => void;
  signal?: AbortSignal;
}

/** The spec's component filter folded into the plan policy (intersection with kinds.allow). */
export function withComponentFilter(policy: PlanPolicy, components: RolloutSpec['components']): PlanPolicy {
  if (!components) return policy;
  const allow = policy.kinds?.allow ? policy.kinds.allow.filter((k) => components.includes(k)) : components;
  return { ...policy, kinds: { ...policy.kinds, allow } };
}
