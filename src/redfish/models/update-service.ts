/** UpdateService (UpdateService.v1_17_0) and ActionInfo (ActionInfo.v1_4_0). */
import { z } from 'zod';
import { ODataIdSchema, ResourceSchema, StatusSchema } from './common.ts';

const SimpleUpdateActionSchema = z.looseObject({
  target: z.string(),
  '@Redfish.ActionInfo': z.string().optional(),
  'TransferProtocol@Redfish.AllowableValues': z.array(z.string()).optional(),
  '@Redfish.OperationApplyTimeSupport': z.record(z.string(), z.unknown()).optional(),
});

export const UpdateServiceSchema = ResourceSchema.extend({
  ServiceEnabled: z.boolean().nullish(),
  Status: StatusSchema.optional(),
  HttpPushUri: z.string().optional(),
  HttpPushUriOptions: z.record(z.string(), z.unknown()).optional(),
  HttpPushUriOptionsBusy: z.boolean().optional(),
  MultipartHttpPushUri: z.string().optional(),
  MaxImageSizeBytes: z.number().nullish(),
  FirmwareInventory: ODataIdSchema.optional(),
  SoftwareInventory: ODataIdSchema.optional(),
  Actions: z
    .looseObject({
      '#UpdateService.SimpleUpdate': SimpleUpdateActionSchema.optional(),
      '#UpdateService.StartUpdate': z.looseObject({ target: z.string() }).optional(),
    })
    .optional(),
});
export type UpdateService = z.infer<typeof UpdateServiceSchema>;

export const ActionInfoSchema = ResourceSchema.extend({
  Parameters: z
    .array(
      z.looseObject({
        Name: z.string(),
        Required: z.boolean().optional(),
        DataType: z.string().optional(),
        AllowableValues: z.array(z.string()).optional(),
      }),
    )
    .default([]),
});
export type ActionInfo = z.infer<typeof ActionInfoSchema>;
