/** ComputerSystem (ComputerSystem.v1_22_0): the host the BMC manages. */
import { z } from 'zod';
import { ODataIdSchema, ResourceSchema, StatusSchema } from './common.ts';

export const ComputerSystemSchema = ResourceSchema.extend({
  Manufacturer: z.string().nullish(),
  Model: z.string().nullish(),
  SKU: z.string().nullish(),
  SerialNumber: z.string().nullish(),
  PartNumber: z.string().nullish(),
  PowerState: z.string().nullish(),
  /** When the host last came out of a reset (ComputerSystem v1_12+; not every BMC reports it). */
  LastResetTime: z.string().nullish(),
  Links: z
    .object({ ManagedBy: z.array(ODataIdSchema).optional() })
    .loose()
    .optional(),
  BiosVersion: z.string().nullish(),
  Status: StatusSchema.optional(),
  Storage: ODataIdSchema.optional(),
  Actions: z.record(z.string(), z.unknown()).optional(),
});
export type ComputerSystem = z.infer<typeof ComputerSystemSchema>;
