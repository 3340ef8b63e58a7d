export * from './classify.ts';
export * from './dell.ts';
export * from './detect.ts';
export * from './generic.ts';
export * from './hpe.ts';
export * from './lenovo.ts';
export * from './types.ts';
