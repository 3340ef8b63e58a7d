export * from './dcim-errors.ts';
export * from './fleet-output.ts';
export * from './netbox-client.ts';
export * from './netbox-import.ts';
export * from './netbox-map.ts';
export * from './netbox-model.ts';
