/**
 * The native catalog model: what firmware exists, how to recognise the components it updates,
 * where its image lives and how to verify it. zod is the source of truth; Dell and HPE imports
 * produce the same entries, and schemas/catalog.schema.json is generated from
 * {@link NativeCatalogFileSchema} (scripts/gen-catalog-schema.ts).
 */
import { z } from 'zod';
import { ComponentKindSchema, VendorSchema } from '../vocab.ts';

/** How urgently the vendor asks for an update. */
export const Criticality = {
  /** Dell Criticality value 3 (Display "Optional-..."); 0 in some older Dell catalogs. */
  optional: 'optional',
  /** Dell Criticality value 1 ("Recommended-..."). HPE fwrepo.json has no such field: its entries get this. */
  recommended: 'recommended',
  /** Dell Criticality value 2 ("Urgent-..."; Dell tools show it as "Critical"). */
  urgent: 'urgent',
} as const;
export type Criticality = (typeof Criticality)[keyof typeof Criticality];
export const CriticalitySchema = z.enum(Object.values(Criticality) as [Criticality, ...Criticality[]]);

/** Which kind of file a catalog was read from. */
export const CatalogFormat = {
  /** firmwarden's own JSON or YAML (this schema). */
  native: 'native',
  /** Dell repository Catalog.xml (SoftwareComponent / SoftwareBundle). */
  dell: 'dell',
  /** HPE firmware pack fwrepo.json (fwrepodata/, keyed by .fwpkg file name). */
  hpe: 'hpe',
} as const;
export type CatalogFormat = (typeof CatalogFormat)[keyof typeof CatalogFormat];
export const CatalogFormatSchema = z.enum(
  Object.values(CatalogFormat) as [CatalogFormat, ...CatalogFormat[]],
);

/**
 * The apply time an image insists on, as Redfish @Redfish.OperationApplyTime values. Absent means
 * "whatever the BMC and the plan choose". (A candidate for src/vocab.ts once the executor lands.)
 */
export const RequiredApplyTime = {
  /** Redfish Immediate: activates without a host reset (e.g. some drive and PSU firmware). */
  immediate: 'Immediate',
  /** Redfish OnReset: staged, activates at the next host reset (BIOS, most device firmware). */
  onReset: 'OnReset',
  /** Redfish OnTargetReset: activates when the target device itself resets. */
  onTargetReset: 'OnTargetReset',
} as const;
export type RequiredApplyTime = (typeof RequiredApplyTime)[keyof typeof RequiredApplyTime];
export const RequiredApplyTimeSchema = z.enum(
  Object.values(RequiredApplyTime) as [RequiredApplyTime, ...RequiredApplyTime[]],
);

/** `digits` hex digits, any case in the file, lowercase once parsed. */
function hexDigest(digits: number) {
  return z
    .string()
    .regex(new RegExp(`^[0-9a-fA-F]{${digits}}$`), `expected ${digits} hex digits`)
    .transform((s) => s.toLowerCase());
}

/** A PCI id: 4 hex digits, "0x" prefix allowed; lowercase without prefix once parsed (inventory form). */
const PciId = z
  .string()
  .regex(/^(0[xX])?[0-9a-fA-F]{4}$/, 'expected a PCI id: 4 hex digits, e.g. "14e4"')
  .transform((s) => s.replace(/^0x/i, '').toLowerCase());

/** A GUID as HPE writes them (Oem.Hpe.Targets, DeviceClass); lowercase once parsed. */
const Guid = z
  .string()
  .regex(
    /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
    'expected a GUID, e.g. "a6b1a447-382a-5a4f-15b3-101d15b30042"',
  )
  .transform((s) => s.toLowerCase());

/** A JavaScript regular expression source that compiles. */
const RegexSource = z
  .string()
  .min(1)
  .superRefine((source, ctx) => {
    try {
      new RegExp(source, 'i');
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(err as Error).message}` });
    }
  });

/** One PCI function a package applies to (Dell PCIInfo; Redfish Oem.Dell / PCIeFunction ids). */
export const PciMatchSchema = z
  .object({
    vendorId: PciId,
    deviceId: PciId,
    subsystemVendorId: PciId.optional(),
    subsystemId: PciId.optional(),
  })
  .strict();

/** How an installed component is recognised (see ComponentIdentity in src/inventory/model.ts). */
export const MatchSchema = z
  .object({
    softwareIds: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('Redfish SoftwareId values; on Dell iDRAC the ComponentID ("159" is the BIOS)'),
    namePattern: RegexSource.optional().describe(
      'regular expression (JavaScript syntax, case-insensitive) tested against the inventory member Name',
    ),
    pci: z.array(PciMatchSchema).min(1).optional().describe('PCI ids of the devices the image applies to'),
    hpeTargets: z.array(Guid).min(1).optional().describe('HPE Oem.Hpe.Targets GUIDs; any one matches'),
    hpeDeviceClass: Guid.optional().describe('HPE Oem.Hpe.DeviceClass GUID'),
  })
  .strict()
  .refine(
    (m) =>
      m.softwareIds !== undefined ||
      m.namePattern !== undefined ||
      m.pci !== undefined ||
      m.hpeTargets !== undefined ||
      m.hpeDeviceClass !== undefined,
    {
      message: 'at least one matcher is required (softwareIds, namePattern, pci, hpeTargets, hpeDeviceClass)',
    },
  );

/** A server model an entry is meant for (Dell SupportedSystems Model@systemID, Redfish Model). */
export const SupportedModelSchema = z
  .object({
    systemId: z.string().min(1).optional().describe('Dell SystemID (e.g. "0235"), HPE product id or SKU'),
    name: z.string().min(1).optional().describe('model name as Redfish ComputerSystem.Model reports it'),
  })
  .strict()
  .refine((m) => m.systemId !== undefined || m.name !== undefined, {
    message: 'a supported model needs systemId or name',
  });

/** Where the image is and how to verify it. */
export const ImageSchema = z
  .object({
    file: z
      .string()
      .min(1)
      .optional()
      .describe("path relative to the catalog file, inside its folder (no '..', not absolute)"),
    url: z
      .url({ protocol: /^(https?|file)$/, error: 'expected an http(s):// or file:// URL' })
      .optional()
      .describe('where the image is downloaded from'),
    sha256: hexDigest(64).optional(),
    md5: hexDigest(32)
      .optional()
      .describe('accepted where the vendor publishes nothing stronger (Dell hashMD5)'),
    size: z.number().int().positive().optional().describe('size in bytes'),
  })
  .strict()
  .refine((i) => (i.file === undefined) !== (i.url === undefined), {
    message: 'exactly one of file or url is required',
  })
  .refine((i) => i.sha256 !== undefined || i.md5 !== undefined, {
    message: 'at least one of sha256 or md5 is required',
    path: ['sha256'],
  });

/** What activating the image takes. */
export const RequiresSchema = z
  .object({
    reboot: z.boolean().describe('a host reset is needed to activate the image'),
    bmcReset: z.boolean().optional().describe('the BMC resets itself (BMC firmware): expect it to go away'),
    powerOff: z.boolean().optional().describe('a full power off, not a warm reset (HPE server_power_off)'),
    applyTime: RequiredApplyTimeSchema.optional(),
  })
  .strict();

export const PrerequisitesSchema = z
  .object({
    minimumInstalledVersion: z
      .string()
      .min(1)
      .optional()
      .describe('the installed version must be at least this before this image may be applied'),
    after: z.array(z.string().min(1)).min(1).optional().describe('ids of entries that must be applied first'),
  })
  .strict();

/** Where an entry came from, for traceability in plans and errors. */
export const EntrySourceSchema = z
  .object({
    format: CatalogFormatSchema,
    file: z.string().min(1),
    element: z
      .string()
      .min(1)
      .optional()
      .describe('element or path inside the file, e.g. SoftwareComponent[12]'),
    key: z.string().min(1).optional().describe('the vendor key: Dell package path, HPE .fwpkg file name'),
  })
  .strict();

const IsoDate = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'expected an ISO 8601 date (2024-06-21) or date-time',
});

const EntryShape = {
  id: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9_.:@+-]*$/,
      'ids: letters, digits and _ . : @ + -, starting with a letter or digit',
    )
    .describe('unique within the catalog, stable across catalog versions where possible'),
  vendor: VendorSchema,
  kind: ComponentKindSchema,
  name: z.string().min(1),
  version: z.string().min(1).describe('the version the BMC reports once this image is installed'),
  description: z.string().optional(),
  match: MatchSchema,
  supportedModels: z.array(SupportedModelSchema).min(1).optional().describe('absent: any model'),
  image: ImageSchema,
  criticality: CriticalitySchema,
  releaseDate: IsoDate.optional(),
  requires: RequiresSchema,
  prerequisites: PrerequisitesSchema.optional(),
  details: z
    .record(z.string(), z.string())
    .optional()
    .describe('vendor fields kept for display (Dell dellVersion, category); never used to decide'),
  source: EntrySourceSchema,
};

/** One firmware image and the components it updates, whatever the catalog format. */
export const CatalogEntrySchema = z.object(EntryShape).strict();
export type CatalogEntry = z.output<typeof CatalogEntrySchema>;

/** An entry as written in a native file: `source` may be left out (the loader fills it in). */
export const NativeEntrySchema = z.object({ ...EntryShape, source: EntrySourceSchema.optional() }).strict();

/** A native catalog file (JSON or YAML). */
export const NativeCatalogFileSchema = z
  .object({
    version: z.literal(1, { error: 'unsupported catalog version: expected 1' }),
    name: z.string().min(1).optional(),
    entries: z.array(NativeEntrySchema),
  })
  .strict()
  .superRefine((file, ctx) => {
    const firstIndex = new Map<string, number>();
    file.entries.forEach((entry, i) => {
      const first = firstIndex.get(entry.id);
      if (first === undefined) firstIndex.set(entry.id, i);
      else
        ctx.addIssue({
          code: 'custom',
          path: ['entries', i, 'id'],
          message: `duplicate id (first at entries[${first}])`,
        });
    });
    file.entries.forEach((entry, i) => {
      entry.prerequisites?.after?.forEach((id, j) => {
        if (!firstIndex.has(id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['entries', i, 'prerequisites', 'after', j],
            message: `unknown entry id "${id}"`,
          });
        }
      });
    });
  });
export type NativeCatalogFile = z.input<typeof NativeCatalogFileSchema>;
