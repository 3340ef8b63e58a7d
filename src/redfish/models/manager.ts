/** Manager (Manager.v1_19_0): the BMC itself. */
import { z } from 'zod';
import { ResourceSchema, StatusSchema } from './common.ts';

export const ManagerSchema = ResourceSchema.extend({
  ManagerType: z.string().nullish(),
  Manufacturer: z.string().nullish(),
  Model: z.string().nullish(),
  FirmwareVersion: z.string().nullish(),
  UUID: z.string().nullish(),
  Status: StatusSchema.optional(),
});
export type Manager = z.infer<typeof ManagerSchema>;
