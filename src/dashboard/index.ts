export * from './build-data.ts';
export * from './corruption.ts';
export * from './dashboard-data.ts';
export * from './dashboard-schema.ts';
export * from './page.ts';
export * from './rollout-progress.ts';
