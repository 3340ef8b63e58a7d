/**
 * The `cluster` section of the daemon config: how this instance shows up in `cluster status`
 * and which servers it may take (label affinity, e.g. its site, so BMC traffic stays local).
 */
import { z } from 'zod';

export const ClusterSectionSchema = z
  .object({
    instance: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe('instance name shown by cluster status (default: daemon:<pid>@<host>)'),
    labels: z
      .record(z.string(), z.union([z.string(), z.array(z.string()).min(1)]))
      .optional()
      .describe('label affinity: only update servers whose labels match, e.g. { site: fra1 }'),
    maxServers: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("servers this instance updates at once (default: the rollout's maxUnavailable)"),
    leaseTtlSeconds: z
      .number()
      .min(1)
      .optional()
      .describe('coordinator lease and heartbeat lifetime: the failover bound (default 15)'),
  })
  .strict()
  .describe('join rollouts as one of several instances sharing a PostgreSQL store');
export type ClusterSection = z.infer<typeof ClusterSectionSchema>;
