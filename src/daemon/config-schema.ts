/**
 * The daemon config file: where the state lives, what the jobs work on (fleet, catalog source,
 * image store, rollout spec) and when each job runs. YAML or JSON; its JSON Schema is generated
 * into schemas/daemon.schema.json (scripts/gen-daemon-schema.ts). Relative paths are relative
 * to the config file.
 */
import { z } from 'zod';
import { ApiConfigSchema } from '../api/api-config.ts';
import { ClusterSectionSchema } from '../cluster/cluster-config.ts';
import { EventsConfigSchema } from '../events/events-config.ts';
import { StoreSectionSchema } from '../store/store-config.ts';
import { JobName } from './job-names.ts';

/** Every default in one block. */
export const DAEMON_DEFAULTS = {
  /** Longest a run may take before it is aborted, per job. */
  timeoutSeconds: {
    [JobName.inventoryScan]: 30 * 60,
    // Catalog images reach gigabytes each; a new vendor release can bring dozens.
    [JobName.catalogWatch]: 2 * 60 * 60,
    // A run lasts as long as the maintenance window is open, plus the servers still in flight.
    [JobName.rolloutWindow]: 12 * 60 * 60,
    [JobName.integrityCheck]: 60 * 60,
  },
  /** Job leases are renewed every third of this; a crashed daemon's lease frees after it. */
  leaseTtlSeconds: 60,
  /** On SIGINT/SIGTERM, how long running jobs get to stop before their workers are terminated. */
  shutdownGraceSeconds: 60,
  /** After a run's timeout, how long its worker gets to clean up before bree terminates it. */
  killGraceMs: 30_000,
  /** Catalog images fetched at once (syncCatalog). */
  catalogConcurrency: 4,
} as const;

const Path = z.string().min(1);

/** When and whether one job runs. */
export const JobSettingsSchema = z
  .object({
    enabled: z.boolean().default(true).describe('default true when the job is listed'),
    schedule: z
      .string()
      .min(1)
      .optional()
      .describe(
        'cron ("*/15 * * * *"; 6 fields with seconds), a clock phrase ("every 15 minutes", "at 03:00", "every weekday at 22:00") or a fixed interval ("90 minutes", "30s"); required when enabled',
      ),
    timeoutSeconds: z.number().positive().optional().describe('abort a run after this long'),
  })
  .strict();
export type JobSettings = z.infer<typeof JobSettingsSchema>;

export const DaemonConfigSchema = z
  .object({
    version: z.literal(1),
    store: StoreSectionSchema,
    cluster: ClusterSectionSchema.optional(),
    stateDir: Path.optional().describe(
      'state folder (default: the folder of store.sqlite; with store.postgres, state/ beside this file)',
    ),
    fleet: Path.optional().describe('fleet file (inventory-scan, integrity-check)'),
    catalog: z
      .object({
        source: Path.describe('catalog file path, or an https:// URL polled with ETag/digest'),
        baseUrl: z
          .url({ protocol: /^https?$/ })
          .optional()
          .describe(
            'mirror for package paths of Dell/HPE catalogs (default: where the catalog says; relative paths beside the source URL)',
          ),
        allowHttp: z
          .boolean()
          .optional()
          .describe('permit a plain http:// source URL (labs, mirrors on loopback)'),
        allowHosts: z
          .array(
            z.string().regex(/^[A-Za-z0-9.:[\]_-]+$/, 'a host name or IP address (no scheme, port or path)'),
          )
          .optional()
          .describe(
            'hosts images may also be downloaded from, redirects included (default: only the source URL host, baseUrl and Dell baseLocation)',
          ),
        download: z
          .boolean()
          .default(true)
          .describe('download new and changed entries into the image store (false: only record them)'),
        concurrency: z.number().int().positive().optional().describe('images fetched at once'),
      })
      .strict()
      .optional(),
    images: Path.optional().describe('image store folder (default <stateDir>/images, where rollouts look)'),
    rollout: z
      .object({ spec: Path.describe('rollout spec file: created once, then resumed') })
      .strict()
      .optional(),
    backup: z
      .object({
        autoRestore: z
          .boolean()
          .default(false)
          .describe(
            'integrity-check restores a corrupted image from its verified copy (default false: report only)',
          ),
        resetHost: z
          .boolean()
          .default(false)
          .describe(
            'a restored host image that activates at the next host reset: restart the host (graceful) and verify',
          ),
        allowForceReset: z
          .boolean()
          .default(false)
          .describe('with resetHost: force the restart when the OS ignores the graceful one'),
        checkAtStartup: z
          .boolean()
          .default(true)
          .describe('run integrity-check when the daemon starts (when the job is enabled)'),
        checkAfterChanges: z
          .boolean()
          .default(true)
          .describe('run integrity-check after a rollout updated a server or a BMC/host reset was observed'),
        sliceName: z
          .string()
          .min(1)
          .optional()
          .describe('volume name of the backup slice (default firmwarden-backup)'),
        imageServer: z
          .object({
            host: z.string().optional().describe('address to listen on (default 127.0.0.1)'),
            port: z.number().int().min(0).max(65535).optional(),
            url: z.string().optional().describe('URL the BMCs reach it by, when not host:port'),
            tls: z.boolean().optional().describe('serve HTTPS with a self-signed certificate'),
          })
          .strict()
          .optional()
          .describe('where BMCs pull copies from when staging them into the slice (SimpleUpdate)'),
      })
      .strict()
      .optional()
      .describe('integrity-check: the backup slice on each RAID controller (needs fleet and catalog)'),
    api: ApiConfigSchema.optional().describe('firmwarden serve: the HTTP API (listen, tokens, TLS, limits)'),
    events: EventsConfigSchema.optional().describe(
      'outbound events: CloudEvents POSTed to webhooks, HMAC-signed, delivered at least once',
    ),
    leaseTtlSeconds: z
      .number()
      .min(1)
      .optional()
      .describe('job lease lifetime, renewed every third of it (default 60)'),
    shutdownGraceSeconds: z
      .number()
      .nonnegative()
      .optional()
      .describe('on SIGINT/SIGTERM, how long running jobs get to stop (default 60)'),
    jobs: z
      .object({
        [JobName.inventoryScan]: JobSettingsSchema.optional(),
        [JobName.catalogWatch]: JobSettingsSchema.optional(),
        [JobName.rolloutWindow]: JobSettingsSchema.optional(),
        [JobName.integrityCheck]: JobSettingsSchema.optional(),
      })
      .strict()
      .default({})
      .describe('jobs not listed do not run on a schedule (daemon --once still runs them)'),
  })
  .strict();
export type DaemonConfigFile = z.infer<typeof DaemonConfigSchema>;
/** A config file as written (defaults not yet applied). */
export type DaemonConfigInput = z.input<typeof DaemonConfigSchema>;
