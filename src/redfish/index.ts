export * from './client.ts';
export * from './collection.ts';
export * from './models/index.ts';
export * from './retry.ts';
export * from './session.ts';
export * from './tls.ts';
export * from './tls-sessions.ts';
export * from './transport.ts';
