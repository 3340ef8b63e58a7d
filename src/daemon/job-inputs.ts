/** What each job needs from the daemon config: checked for enabled jobs at load and for `--once`. */
import { ConfigError } from '../errors.ts';
import { JobName } from './job-names.ts';
import type { DaemonConfig } from './load-config.ts';

const NEEDS: Record<JobName, { field: 'fleet' | 'catalog' | 'rollout'; what: string } | undefined> = {
  [JobName.inventoryScan]: { field: 'fleet', what: 'the fleet file to sweep' },
  [JobName.catalogWatch]: { field: 'catalog', what: 'catalog.source to poll' },
  [JobName.rolloutWindow]: { field: 'rollout', what: 'rollout.spec to drive' },
  [JobName.integrityCheck]: undefined,
};

/** Throws a ConfigError naming the job when the config lacks what the job works on. */
export function requireJobInputs(config: DaemonConfig, name: JobName): void {
  const need = NEEDS[name];
  if (need && config[need.field] === undefined) {
    throw new ConfigError(config.file, `jobs.${name}: needs "${need.field}" (${need.what})`);
  }
}
