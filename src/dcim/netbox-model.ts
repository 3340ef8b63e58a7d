/**
 * The parts of NetBox's REST API responses the importer reads (NetBox 3.6 – 4.x, dcim.Device
 * from netbox/dcim/api/serializers_/devices.py). Loose: every other field passes through, and a
 * nested object may carry more or fewer of its brief fields depending on the version. Devices are
 * parsed one at a time, so one odd device is reported instead of failing the whole import.
 */
import { z } from 'zod';

/** A nested object in its brief form: {id, url, display, name, slug, description}. */
const NestedRef = z
  .object({
    id: z.number(),
    name: z.string().nullish(),
    slug: z.string().nullish(),
    display: z.string().nullish(),
  })
  .loose();

/** A nested IP address: {id, url, display, family {value,label}, address "10.0.0.5/24", dns_name}. */
const NestedIp = z
  .object({
    id: z.number(),
    address: z.string(),
    dns_name: z.string().nullish(),
  })
  .loose();

export const NetboxDeviceSchema = z
  .object({
    id: z.number(),
    /** Devices may be unnamed in NetBox. */
    name: z.string().nullable(),
    display: z.string().nullish(),
    device_type: z
      .object({
        id: z.number(),
        slug: z.string().nullish(),
        model: z.string().nullish(),
        manufacturer: NestedRef.nullish(),
      })
      .loose(),
    /** NetBox ≥ 3.6; older versions call it device_role. */
    role: NestedRef.nullish(),
    device_role: NestedRef.nullish(),
    platform: NestedRef.nullish(),
    site: NestedRef,
    location: NestedRef.nullish(),
    rack: NestedRef.nullish(),
    tenant: NestedRef.nullish(),
    /** ChoiceField: {value: "active", label: "Active"}. */
    status: z.object({ value: z.string() }).loose().nullish(),
    primary_ip4: NestedIp.nullish(),
    primary_ip6: NestedIp.nullish(),
    /** The out-of-band (BMC) address; NetBox ≥ 3.6. */
    oob_ip: NestedIp.nullish(),
    tags: z
      .array(z.object({ slug: z.string(), name: z.string().nullish() }).loose())
      .nullish()
      .transform((t) => t ?? []),
    custom_fields: z
      .record(z.string(), z.unknown())
      .nullish()
      .transform((c) => c ?? {}),
  })
  .loose();
export type NetboxDevice = z.infer<typeof NetboxDeviceSchema>;

/** NetBox's LimitOffsetPagination envelope. */
export const NetboxPageSchema = z
  .object({
    count: z.number().int().nonnegative(),
    next: z.string().nullable(),
    previous: z.string().nullable(),
    results: z.array(z.unknown()),
  })
  .loose();
export type NetboxPage = z.infer<typeof NetboxPageSchema>;
