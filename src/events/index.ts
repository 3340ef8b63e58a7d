export * from './cloudevents.ts';
export * from './dispatcher.ts';
export * from './event-dispatchers.ts';
export * from './event-types.ts';
export * from './events-config.ts';
export * from './signature.ts';
export * from './webhook-delivery.ts';
