/** Restores go through the same install pipeline as updates: this is their view of one BMC. */
import type { InstallEnv } from '../executor/install.ts';
import { vendorDriver } from '../vendors/detect.ts';
import type { BackupEnv, ServerFacts } from './backup-env.ts';

/** The install pipeline's environment for restores on one BMC; progress goes to debug logs. */
export function restoreInstallEnv(env: BackupEnv, facts: ServerFacts): InstallEnv {
  return {
    client: env.client,
    caps: facts.caps,
    driver: vendorDriver(facts.view.inventory.vendor),
    server: env.server,
    clock: env.deps.clock,
    store: env.store,
    ...(env.imageServer ? { imageServer: env.imageServer } : {}),
    timeouts: env.timeouts,
    emit: (step, extra) =>
      env.deps.logger.debug({ server: env.server.name, step, ...extra }, 'restore progress'),
  };
}
