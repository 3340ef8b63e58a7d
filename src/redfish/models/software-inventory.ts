/** SoftwareInventory (SoftwareInventory.v1_13_0): one firmware image the BMC knows of. */
import { z } from 'zod';
import { ODataIdSchema, ResourceSchema, StatusSchema } from './common.ts';

export const SoftwareInventorySchema = ResourceSchema.extend({
  Id: z.string(),
  Version: z.string().nullish(),
  SoftwareId: z.string().nullish(),
  Updateable: z.boolean().nullish(),
  Status: StatusSchema.optional(),
  ReleaseDate: z.string().nullish(),
  LowestSupportedVersion: z.string().nullish(),
  VersionScheme: z.string().nullish(),
  Manufacturer: z.string().nullish(),
  RelatedItem: z.array(ODataIdSchema).optional(),
  Active: z.boolean().nullish(),
  Staged: z.boolean().nullish(),
  ImageDataURI: z.string().nullish(),
});
export type SoftwareInventory = z.infer<typeof SoftwareInventorySchema>;
