/** firmwarden's library entry point: the core the CLI, the HTTP API and the jobs are built on. */
export * from './catalog/index.ts';
export * from './daemon/index.ts';
export * from './deps.ts';
export * from './errors.ts';
export * from './executor/index.ts';
export * from './fleet/load.ts';
export * from './fleet/plan-fleet.ts';
export * from './fleet/schema.ts';
export * from './inventory/index.ts';
export * from './log.ts';
export * from './planner/index.ts';
export * from './redfish/index.ts';
export * from './rollout/index.ts';
export * from './store/index.ts';
export * from './vendors/index.ts';
export * from './versions/index.ts';
export * from './vocab.ts';
