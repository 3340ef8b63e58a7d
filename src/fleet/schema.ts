/**
 * The fleet file: which BMCs firmwarden manages, how to reach them and how to label them.
 * YAML or JSON, validated here; its JSON Schema is generated into schemas/fleet.schema.json.
 * Secrets are never in the file itself: only the name of an env var or a file holding them.
 */
import { z } from 'zod';
import { hasUserinfo, USERINFO_REFUSED } from '../redfish/bmc-url.ts';
import { VendorSchema } from '../vocab.ts';

/** Where a BMC password comes from. Exactly one of passwordEnv / passwordFile. */
export const CredentialsSchema = z
  .object({
    username: z.string().min(1).describe('BMC user name'),
    passwordEnv: z
      .string()
      .min(1)
      .optional()
      .describe('name of an environment variable holding the password'),
    passwordFile: z
      .string()
      .min(1)
      .optional()
      .describe('file holding the password (first line), relative to the fleet file'),
  })
  .strict()
  .refine((c) => (c.passwordEnv === undefined) !== (c.passwordFile === undefined), {
    message: 'exactly one of passwordEnv or passwordFile is required',
  });
export type CredentialsRef = z.infer<typeof CredentialsSchema>;

const Sha256Fingerprint = z
  .string()
  .transform((s) => s.replaceAll(':', '').toLowerCase())
  .pipe(z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 fingerprint: 64 hex digits, colons allowed'));

/** TLS policy for one BMC: verification is on unless `insecure` says otherwise. */
export const TlsPolicySchema = z
  .object({
    ca: z.string().min(1).optional().describe('PEM file of the CA that signed the BMC certificate'),
    fingerprint: Sha256Fingerprint.optional().describe(
      'sha256 fingerprint of the BMC certificate: pinned, accepted even when self-signed',
    ),
    insecure: z.boolean().optional().describe('skip certificate verification (labs only)'),
    legacy: z
      .boolean()
      .optional()
      .describe(
        'allow TLS 1.0/1.1 and legacy ciphers for old BMCs (iDRAC 7/8, iLO 4); certificates are still verified; warned on every run',
      ),
  })
  .strict();
export type TlsPolicy = z.infer<typeof TlsPolicySchema>;

const PositiveInt = z.number().int().positive();

/** Deadlines for one BMC, in milliseconds; unset ones keep the client's defaults. */
export const TimeoutsSchema = z
  .object({
    connectMs: PositiveInt.optional().describe('TCP + TLS connect (default 10000)'),
    headersMs: PositiveInt.optional().describe('per try, until the response headers (default 60000)'),
    bodyMs: PositiveInt.optional().describe(
      'per try, idle time between response body chunks (default 60000)',
    ),
    totalMs: PositiveInt.optional().describe(
      'whole request, retries and waits included (default 120000); image uploads get more by their size',
    ),
    uploadBytesPerSecond: PositiveInt.optional().describe(
      'slowest accepted upload rate: an image adds size/rate to totalMs (default 262144)',
    ),
    scanMs: PositiveInt.optional().describe(
      'whole inventory scan of this server in a sweep (default 600000)',
    ),
  })
  .strict();
export type TimeoutsPolicy = z.infer<typeof TimeoutsSchema>;

const LabelsSchema = z.record(
  z.string().regex(/^[A-Za-z0-9_.-]+$/, 'label names: letters, digits, _ . -'),
  z.string(),
);

/** One server, identified by its BMC. */
export const FleetServerSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'server names: letters, digits, _ . : -'),
    bmc: z
      .url({ protocol: /^https?$/, error: 'an http(s) URL of the BMC, e.g. https://10.0.0.17' })
      .refine((u) => !hasUserinfo(u), USERINFO_REFUSED)
      .describe('base URL of the BMC (scheme, host, optional port; no user or password)'),
    vendor: VendorSchema.optional().describe('vendor hint; detected from the service root when absent'),
    allowHttp: z.boolean().optional().describe('permit a plain http:// BMC URL (mockups, labs)'),
    credentials: CredentialsSchema.optional(),
    tls: TlsPolicySchema.optional(),
    timeouts: TimeoutsSchema.optional(),
    labels: LabelsSchema.optional().describe('site, rack, role, ... used to shape rollout waves'),
  })
  .strict();
export type FleetServer = z.infer<typeof FleetServerSchema>;

/** The whole fleet file. `defaults` apply to every server that does not set its own. */
export const FleetFileSchema = z
  .object({
    version: z.literal(1),
    defaults: z
      .object({
        credentials: CredentialsSchema.optional(),
        tls: TlsPolicySchema.optional(),
        timeouts: TimeoutsSchema.optional(),
        allowHttp: z.boolean().optional(),
        labels: LabelsSchema.optional(),
      })
      .strict()
      .optional(),
    servers: z.array(FleetServerSchema),
  })
  .strict();
export type FleetFile = z.infer<typeof FleetFileSchema>;
