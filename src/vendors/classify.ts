/**
 * Component kind from the names BMCs give their inventory members. Vendors differ in wording,
 * not in what they mean; the first rule that matches wins, so specific words go first.
 */
import type { SoftwareInventory } from '../redfish/models/index.ts';
import { type ComponentKind, ComponentSlot } from '../vocab.ts';

const RULES: Array<[ComponentKind, RegExp]> = [
  ['cpld', /\b(cpld|spld|fpga|programmable logic|backplane|pld)\b/i],
  ['psu', /\b(power ?supply|psu|ps\d+)\b/i],
  ['bmc', /\b(idrac|ilo\s*\d?|xcc|bmc|imm2?|baseboard management|remote access controller)\b/i],
  ['bios', /\b(bios|uefi|system rom|rom)\b/i],
  ['storage', /\b(raid|perc|smart ?array|megaraid|storage controller|hba\d*|sas\d*|boss)\b/i],
  ['drive', /\b(disk|drive|ssd|hdd|nvme)\b/i],
  ['nic', /\b(nic|network|ethernet|lom|connectx|gigabit|adapter|fc\d*|infiniband)\b/i],
  ['management', /\b(lifecycle|os collector|driver pack|diagnostics|usc|ism|collector|engine)\b/i],
];

/** Kind from Id, Name and Description; `other` when nothing matches. */
export function kindFromText(...texts: Array<string | null | undefined>): ComponentKind {
  const text = texts.filter(Boolean).join(' ').replace(/[._-]/g, ' ');
  for (const [kind, re] of RULES) if (re.test(text)) return kind;
  return 'other';
}

/** What a RelatedItem link points at says what the image is for (bmcweb names every member "Software Inventory"). */
const RELATED: Array<[ComponentKind, RegExp]> = [
  ['bmc', /\/Managers\/[^/]+$/],
  ['bios', /\/Bios$/],
  ['drive', /\/Drives\/[^/]+$/],
  ['storage', /\/(Storage|StorageControllers|Controllers)\/[^/]+$/],
  ['nic', /\/NetworkAdapters\/[^/]+$/],
  ['psu', /\/PowerSupplies\/[^/]+$/],
];

/** Kind from RelatedItem links first, then from Name, Description and Id. */
export function kindOfMember(member: SoftwareInventory): ComponentKind {
  for (const link of member.RelatedItem ?? []) {
    const uri = link['@odata.id'].replace(/\/$/, '');
    for (const [kind, re] of RELATED) if (re.test(uri)) return kind;
  }
  return kindFromText(member.Name, member.Description, member.Id);
}

/** Slot from Status.State / Active / Staged (DMTF: StandbySpare is the inactive bank). */
export function slotFromStatus(member: SoftwareInventory): ComponentSlot {
  if (member.Staged === true) return ComponentSlot.staged;
  if (member.Status?.State === 'StandbySpare' || member.Active === false) return ComponentSlot.backup;
  return ComponentSlot.active;
}

/** "0x14E4", "14e4" → "14e4"; empty and null-ish become undefined. */
export function hexId(value: unknown): string | undefined {
  if (typeof value === 'number') return value.toString(16).padStart(4, '0');
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase().replace(/^0x/, '');
  return /^[0-9a-f]+$/.test(v) ? v : undefined;
}

/** Reads a nested Oem property without trusting its shape. */
export function oem(member: { Oem?: Record<string, unknown> | undefined }, ...path: string[]): unknown {
  let value: unknown = member.Oem;
  for (const key of path) {
    if (!value || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
