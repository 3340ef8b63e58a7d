/**
 * The firmware components a simulated BMC can update, read from its own FirmwareInventory: which
 * members run now (not Dell Previous-/Available-, not a backup bank), what kind each one is, and
 * a key that stays the same when an update changes the member's Id (Dell and OpenBMC Ids carry
 * the version). Also: which components a request's Targets and an image header point at.
 */
import type { ComponentKind } from '../../vocab.ts';
import type { SimImageHeader } from '../image-format.ts';
import { FIRMWARE_INVENTORY } from '../profiles/common.ts';
import { canonicalPath, type Json } from '../resource-tree.ts';
import type { SimHost } from '../sim-host.ts';
import type { SimVendor } from '../types.ts';

export interface SimComponent {
  /** The member's path now. */
  path: string;
  id: string;
  /** Survives version changes: Dell FQDD, "bmc" on OpenBMC, else the member Id. */
  key: string;
  kind: ComponentKind;
  name: string;
  softwareId?: string;
  version: string;
  /** RelatedItem paths. */
  related: string[];
  updateable: boolean;
}

const DELL_FQDD: Array<[RegExp, ComponentKind]> = [
  [/^iDRAC\./i, 'bmc'],
  [/^BIOS\./i, 'bios'],
  [/^(USC|LC)\./i, 'management'],
  [/^RAID\./i, 'storage'],
  [/^NIC\./i, 'nic'],
  [/^Disk\./i, 'drive'],
  [/^PSU\./i, 'psu'],
  [/^Enclosure\./i, 'cpld'],
];

const WORDS: Array<[RegExp, ComponentKind]> = [
  [/\b(cpld|programmable logic)\b/i, 'cpld'],
  [/\b(power supply|psu\d*)\b/i, 'psu'],
  [/\b(ilo|idrac|xcc|bmc)\b/i, 'bmc'],
  [/\b(bios|uefi|system rom)\b/i, 'bios'],
  [/\b(raid|smart array|perc)\b/i, 'storage'],
  [/\b(nic|ethernet)\b/i, 'nic'],
  [/\b(disk|drive)\b/i, 'drive'],
  [/\b(lxpm|lifecycle)\b/i, 'management'],
];

function fqddOf(id: string): string | undefined {
  const i = id.indexOf('__');
  return i < 0 ? undefined : id.slice(i + 2);
}

function relatedOf(m: Json): string[] {
  const items = Array.isArray(m['RelatedItem']) ? (m['RelatedItem'] as Array<{ '@odata.id'?: unknown }>) : [];
  return items.map((r) => r['@odata.id']).filter((p): p is string => typeof p === 'string');
}

function kindOf(vendor: SimVendor, m: Json, related: string[]): ComponentKind {
  const id = String(m['Id'] ?? '');
  if (vendor === 'dell') {
    const fqdd = fqddOf(id) ?? '';
    for (const [re, kind] of DELL_FQDD) if (re.test(fqdd)) return kind;
  }
  if (related.some((r) => /\/Managers\/[^/]+$/.test(r))) return 'bmc';
  if (related.some((r) => /\/Bios$/.test(r))) return 'bios';
  const text = `${id.replace(/[_-]/g, ' ')} ${String(m['Name'] ?? '')} ${String(m['Description'] ?? '')}`;
  for (const [re, kind] of WORDS) if (re.test(text)) return kind;
  return 'other';
}

/** False for copies that do not run: rollback, staged and backup-bank members. */
function isActive(vendor: SimVendor, m: Json): boolean {
  const id = String(m['Id'] ?? '');
  const state = (m['Status'] as { State?: unknown } | undefined)?.State;
  if (state === 'StandbySpare') return false;
  if (vendor === 'dell') return id.startsWith('Installed-');
  if (vendor === 'lenovo') return !/-Backup$/.test(id);
  if (vendor === 'hpe') return !/backup/i.test(String(m['Description'] ?? ''));
  return true;
}

function toComponent(vendor: SimVendor, path: string, m: Json): SimComponent {
  const id = String(m['Id'] ?? '');
  const related = relatedOf(m);
  const kind = kindOf(vendor, m, related);
  const key = vendor === 'dell' ? (fqddOf(id) ?? id) : vendor === 'openbmc' && kind === 'bmc' ? 'bmc' : id;
  const softwareId = typeof m['SoftwareId'] === 'string' ? m['SoftwareId'] : undefined;
  return {
    path,
    id,
    key,
    kind,
    name: String(m['Name'] ?? id),
    ...(softwareId === undefined ? {} : { softwareId }),
    version: String(m['Version'] ?? ''),
    related,
    updateable: m['Updateable'] !== false,
  };
}

/** Every running firmware component of the BMC, in inventory order. */
export function activeComponents(host: SimHost): SimComponent[] {
  const out: SimComponent[] = [];
  for (const path of host.tree.members(FIRMWARE_INVENTORY)) {
    const m = host.tree.get(path);
    if (m !== undefined && isActive(host.vendor, m)) out.push(toComponent(host.vendor, path, m));
  }
  return out;
}

/** The running component with this key now. */
export function componentByKey(host: SimHost, key: string): SimComponent | undefined {
  return activeComponents(host).find((c) => c.key === key);
}

/** Does an image header name this component? Every key the header gives must agree. */
export function headerMatches(header: SimImageHeader, c: SimComponent): boolean {
  const m = header.match;
  if (m.softwareId !== undefined && m.softwareId.toLowerCase() !== (c.softwareId ?? '').toLowerCase()) {
    return false;
  }
  if (m.id !== undefined && m.id !== c.id) return false;
  if (m.kind !== undefined && m.kind !== c.kind) return false;
  return true;
}

/** A Target as a canonical path ("https://bmc/redfish/v1/x/" → "/redfish/v1/x"). */
export function targetPath(target: string): string {
  let path = target;
  if (/^https?:\/\//i.test(target)) {
    try {
      path = new URL(target).pathname;
    } catch {
      return target;
    }
  }
  return canonicalPath(path);
}

/** True when a Target names something the BMC has (an inventory member or a resource). */
export function targetExists(host: SimHost, target: string): boolean {
  return host.tree.has(targetPath(target));
}

/** The components a Target stands for: a member itself, or what is related to a Manager/System/Bios. */
function componentsForTarget(host: SimHost, all: SimComponent[], target: string): SimComponent[] {
  const path = targetPath(target);
  const member = all.find((c) => c.path === path);
  if (member !== undefined) return [member];
  if (/\/Managers\/[^/]+$/.test(path)) {
    return all.filter((c) => c.related.includes(path) || (c.related.length === 0 && c.kind === 'bmc'));
  }
  if (/\/Bios$/.test(path)) return all.filter((c) => c.kind === 'bios');
  if (/\/Systems\/[^/]+$/.test(path)) return all.filter((c) => c.kind !== 'bmc');
  void host;
  return [];
}

/** Why an image does not fit, or the components it will update. */
export type TargetResolution = { components: SimComponent[] } | { problem: string };

/**
 * The components an image updates: those its header matches among the Targets (all running
 * components when there are none, as a vendor package updates every device it applies to).
 */
export function resolveTargets(host: SimHost, targets: string[], header: SimImageHeader): TargetResolution {
  if (header.vendor !== host.vendor) {
    return { problem: `the image is for ${header.vendor}, this BMC is ${host.vendor}` };
  }
  const all = activeComponents(host).filter((c) => c.updateable);
  const candidates =
    targets.length === 0 ? all : [...new Set(targets.flatMap((t) => componentsForTarget(host, all, t)))];
  const components = candidates.filter((c) => headerMatches(header, c));
  if (components.length > 0) return { components };
  const what = JSON.stringify(header.match);
  return {
    problem:
      targets.length === 0
        ? `no component matches the image (${what})`
        : `the image (${what}) is not for ${targets.join(', ')}`,
  };
}
