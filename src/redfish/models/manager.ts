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
  /** When the BMC last reset or rebooted (Manager v1_9+; not every BMC reports it). */
  LastResetTime: z.string().nullish(),
});
export type Manager = z.infer<typeof ManagerSchema>;
