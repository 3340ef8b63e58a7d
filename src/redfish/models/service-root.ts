/** ServiceRoot (ServiceRoot.v1_17_0): entry point, read without authentication. */
import { z } from 'zod';
import { ODataIdSchema } from './common.ts';

export const ServiceRootSchema = z.looseObject({
  '@odata.id': z.string().optional(),
  RedfishVersion: z.string().optional(),
  UUID: z.string().nullish(),
  Vendor: z.string().nullish(),
  Product: z.string().nullish(),
  Systems: ODataIdSchema.optional(),
  Managers: ODataIdSchema.optional(),
  Chassis: ODataIdSchema.optional(),
  UpdateService: ODataIdSchema.optional(),
  /** The TaskService (DMTF names this link `Tasks`). */
  Tasks: ODataIdSchema.optional(),
  SessionService: ODataIdSchema.optional(),
  Links: z.looseObject({ Sessions: ODataIdSchema.optional() }).optional(),
  /** ProtocolFeaturesSupported.ExpandQuery tells whether $expand works and how deep. */
  ProtocolFeaturesSupported: z
    .looseObject({
      ExpandQuery: z
        .looseObject({
          ExpandAll: z.boolean().optional(),
          Levels: z.boolean().optional(),
          Links: z.boolean().optional(),
          NoLinks: z.boolean().optional(),
          MaxLevels: z.number().optional(),
        })
        .optional(),
      SelectQuery: z.boolean().optional(),
      FilterQuery: z.boolean().optional(),
    })
    .optional(),
  Oem: z.record(z.string(), z.unknown()).optional(),
});
export type ServiceRoot = z.infer<typeof ServiceRootSchema>;

/** The task collection of a service: TaskService (the root's `Tasks` link) + /Tasks. */
export function tasksCollectionUri(root: ServiceRoot): string {
  const service = root.Tasks?.['@odata.id'] ?? '/redfish/v1/TaskService';
  return `${service.replace(/\/$/, '')}/Tasks`;
}
