export * from './classify.ts';
export { dell } from './dell/index.ts';
export * from './detect.ts';
export { generic } from './generic/index.ts';
export { hpe } from './hpe/index.ts';
export { lenovo } from './lenovo/index.ts';
export { openbmc } from './openbmc/index.ts';
export { supermicro } from './supermicro/index.ts';
export * from './types.ts';
