/**
 * One NetBox device → one fleet file entry (pure). The BMC URL comes from the device's OOB IP
 * (or the primary IPv4, or a custom field, by choice), the vendor hint from the manufacturer
 * (unknown makers get none: firmwarden detects them from the service root), and NetBox's
 * placement becomes labels rollouts and policies select on. A device that cannot become an entry
 * says why instead.
 */
import { isIP } from 'node:net';
import type { FleetServer } from '../fleet/schema.ts';
import type { Vendor } from '../vocab.ts';
import { type NetboxDevice, NetboxDeviceSchema } from './netbox-model.ts';

/** Where the BMC address comes from. */
export type AddressSource = { from: 'oob' } | { from: 'primary' } | { from: 'custom-field'; name: string };

export interface MapOptions {
  address: AddressSource;
  /** Custom fields copied into labels of the same name (scalar values only). */
  customFields?: string[];
}

/**
 * Label names the importer owns: an import replaces them, a merge keeps every other label.
 * `tag.<slug>` labels are owned too.
 */
export const NETBOX_LABELS = [
  'site',
  'location',
  'rack',
  'role',
  'tenant',
  'platform',
  'manufacturer',
  'model',
  'status',
  'netbox.id',
] as const;
export const TAG_LABEL_PREFIX = 'tag.';

export type MappedDevice =
  | { ok: true; id: number; server: FleetServer; notes: string[] }
  | { ok: false; id: number | undefined; name: string; reason: string };

/** Maker slug or name → vendor family. Order matters: "hpe" before a looser "hp". */
const VENDOR_PATTERNS: Array<[RegExp, Vendor]> = [
  [/^dell/, 'dell'],
  [/^(hpe|hewlett|hp$|hp-)/, 'hpe'],
  [/^lenovo/, 'lenovo'],
  [/^(supermicro|super-micro|super micro)/, 'supermicro'],
];

/** The vendor hint for a device, or undefined (auto-detected from the service root). */
export function vendorOf(d: NetboxDevice): Vendor | undefined {
  const maker = [d.device_type.manufacturer?.slug, d.device_type.manufacturer?.name]
    .filter((s): s is string => typeof s === 'string')
    .map((s) => s.toLowerCase());
  for (const [re, vendor] of VENDOR_PATTERNS) if (maker.some((m) => re.test(m))) return vendor;
  // OpenBMC runs on many makers' boards; NetBox records it as the platform when at all.
  const platform = `${d.platform?.slug ?? ''} ${d.platform?.name ?? ''}`.toLowerCase();
  if (platform.includes('openbmc')) return 'openbmc';
  return undefined;
}

/** Maps one raw device object from the API. */
export function mapDevice(raw: unknown, options: MapOptions): MappedDevice {
  const parsed = NetboxDeviceSchema.safeParse(raw);
  const rawId = (raw as { id?: unknown } | null)?.id;
  const id = typeof rawId === 'number' ? rawId : undefined;
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      id,
      name: nameOf(raw),
      reason: `unexpected device shape: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`,
    };
  }
  const d = parsed.data;
  if (!d.name)
    return { ok: false, id: d.id, name: `(unnamed, id ${d.id})`, reason: 'the device has no name' };
  const notes: string[] = [];
  const name = d.name.replace(/[^A-Za-z0-9_.:-]+/g, '-');
  if (name !== d.name) notes.push(`name ${JSON.stringify(d.name)} written as ${name}`);
  const address = bmcAddress(d, options.address);
  if (!address.ok) return { ok: false, id: d.id, name: d.name, reason: address.reason };
  const vendor = vendorOf(d);
  return {
    ok: true,
    id: d.id,
    server: {
      name,
      bmc: address.url,
      ...(vendor ? { vendor } : {}),
      labels: labelsOf(d, options.customFields ?? [], notes),
    },
    notes,
  };
}

function nameOf(raw: unknown): string {
  const r = raw as { name?: unknown; display?: unknown; id?: unknown } | null;
  if (typeof r?.name === 'string' && r.name) return r.name;
  if (typeof r?.display === 'string' && r.display) return r.display;
  return `(id ${String(r?.id ?? '?')})`;
}

type Address = { ok: true; url: string } | { ok: false; reason: string };

function bmcAddress(d: NetboxDevice, source: AddressSource): Address {
  if (source.from === 'custom-field') {
    const v = d.custom_fields[source.name];
    if (v === undefined || v === null || v === '')
      return { ok: false, reason: `custom field ${source.name} is empty` };
    if (typeof v !== 'string') return { ok: false, reason: `custom field ${source.name} is not text` };
    return urlOf(v, `custom field ${source.name}`);
  }
  const ip = source.from === 'oob' ? d.oob_ip : d.primary_ip4;
  if (!ip) return { ok: false, reason: source.from === 'oob' ? 'no OOB IP' : 'no primary IPv4' };
  return urlOf(ip.address, source.from === 'oob' ? 'OOB IP' : 'primary IPv4');
}

/** "10.0.0.5/24" → https://10.0.0.5, "fd00::5/64" → https://[fd00::5], a URL or host name as given. */
function urlOf(value: string, what: string): Address {
  const v = value.trim();
  if (/^https?:\/\//i.test(v)) {
    try {
      const u = new URL(v);
      // The fleet file wants allowHttp on such an entry: a person decides that, not an import.
      if (u.protocol === 'http:')
        return { ok: false, reason: `${what} ${v} is plain http; add it by hand with allowHttp` };
      return { ok: true, url: u.href.replace(/\/$/, '') };
    } catch {
      return { ok: false, reason: `${what} ${JSON.stringify(v)} is not a valid URL` };
    }
  }
  const host = v.replace(/\/\d{1,3}$/, '');
  const family = isIP(host);
  if (family === 4) return { ok: true, url: `https://${host}` };
  if (family === 6) return { ok: true, url: `https://[${host}]` };
  if (/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(host))
    return { ok: true, url: `https://${host}` };
  return { ok: false, reason: `${what} ${JSON.stringify(v)} is not an IP address, host name or URL` };
}

function labelsOf(d: NetboxDevice, customFields: string[], notes: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  const set = (k: string, v: string | null | undefined) => {
    if (v) labels[k] = v;
  };
  set('site', d.site.slug ?? d.site.name);
  set('location', d.location?.slug ?? d.location?.name);
  set('rack', d.rack?.name);
  const role = d.role ?? d.device_role;
  set('role', role?.slug ?? role?.name);
  set('tenant', d.tenant?.slug ?? d.tenant?.name);
  set('platform', d.platform?.slug ?? d.platform?.name);
  set('manufacturer', d.device_type.manufacturer?.slug ?? d.device_type.manufacturer?.name);
  set('model', d.device_type.slug ?? d.device_type.model);
  set('status', d.status?.value);
  labels['netbox.id'] = String(d.id);
  for (const t of d.tags) {
    if (/^[A-Za-z0-9_.-]+$/.test(t.slug)) labels[`${TAG_LABEL_PREFIX}${t.slug}`] = 'true';
    else notes.push(`tag ${JSON.stringify(t.slug)} is not a usable label name; left out`);
  }
  for (const cf of customFields) {
    const v = d.custom_fields[cf];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') set(cf, String(v));
    else if (v !== undefined && v !== null) notes.push(`custom field ${cf} is not a scalar; left out`);
  }
  return labels;
}
