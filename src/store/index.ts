export * from './migrations.ts';
export * from './open-store.ts';
export * from './sqlite-store.ts';
export * from './store-errors.ts';
export * from './store-journal.ts';
export * from './types.ts';
