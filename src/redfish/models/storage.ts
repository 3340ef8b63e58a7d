/** Storage (Storage.v1_17_0) and Volume (Volume.v1_10_0): RAID controllers and their volumes. */
import { z } from 'zod';
import { ODataIdSchema, ResourceSchema, StatusSchema } from './common.ts';

export const StorageSchema = ResourceSchema.extend({
  Status: StatusSchema.optional(),
  Drives: z.array(ODataIdSchema).optional(),
  Volumes: ODataIdSchema.optional(),
  StorageControllers: z.array(z.looseObject({})).optional(),
  Controllers: ODataIdSchema.optional(),
});
export type Storage = z.infer<typeof StorageSchema>;

export const VolumeSchema = ResourceSchema.extend({
  Status: StatusSchema.optional(),
  CapacityBytes: z.number().nullish(),
  RAIDType: z.string().nullish(),
  VolumeType: z.string().nullish(),
  Links: z.looseObject({ Drives: z.array(ODataIdSchema).optional() }).optional(),
});
export type Volume = z.infer<typeof VolumeSchema>;
