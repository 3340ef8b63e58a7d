export * from './bmc-reset.ts';
export * from './clear-jobs.ts';
export * from './each-server.ts';
export * from './host-power.ts';
