export * from './cluster-config.ts';
export * from './cluster-status.ts';
export * from './defaults.ts';
export { isAlive } from './liveness.ts';
export * from './membership.ts';
