/**
 * HPE firmware pack fwrepo.json → Catalog. The SDR repositories (downloads.linux.hpe.com/SDR/repo/
 * fwpp-gen10|gen11|.../<release>/fwrepodata/fwrepo.json) index packages by file name:
 *   "U30_2.90_07_20_2023.fwpkg": { "date": "20230720", "description": "...", "deviceclass": GUID,
 *     "minimum_active_version": "null", "reboot_required": "yes", "server_power_off": "False",
 *     "target": [GUID, ...], "version": "2.90_07-20-2023" }
 * Packages sit in the repository root, next to fwrepodata/. Older indexes hold a single
 * "target" string and also list .rpm/.zip/.exe smart components, which run in the host OS
 * and are skipped. fwrepo.json publishes no digest: digests come from `sha256`/`md5`/`size`
 * fields a mirror adds to an item, or from a SHA256SUMS file beside fwrepo.json or in the
 * repository root; a package with neither is skipped (no-digest) rather than trusted unverified.
 * System ROM packages write their version as "2.90_07-20-2023" while iLO reports the installed
 * ROM as "U30 v2.90 (07/20/2023)": the family ("U30") is only in the package name. The importer
 * writes the version (and minimum_active_version) in iLO's form, so a plan compares ROM releases
 * within their family instead of calling them incomparable; the fwrepo text stays in
 * `details.hpeVersion`.
 */
import { dirname } from 'node:path';
import { z } from 'zod';
import { ComponentKind, Vendor } from '../vocab.ts';
import { type Catalog, countStats, type SkippedItem, SkipReason } from './catalog.ts';
import {
  finalizeEntry,
  type ImportContext,
  type Imported,
  isoDate,
  joinUrl,
  safePackagePath,
  skip,
} from './import-helpers.ts';
import { type CatalogEntry, CatalogFormat, Criticality } from './model.ts';

/** One fwrepo.json item; unknown fields pass (HPE adds fields between packs). */
const HpeItemSchema = z.looseObject({
  date: z.string().optional(),
  description: z.string().optional(),
  deviceclass: z.string().nullable().optional(),
  minimum_active_version: z.string().nullable().optional(),
  reboot_required: z.union([z.string(), z.boolean()]).optional(),
  server_power_off: z.union([z.string(), z.boolean()]).optional(),
  target: z
    .union([z.string(), z.array(z.string())])
    .nullable()
    .optional(),
  version: z.string().min(1),
  sha256: z.string().optional(),
  md5: z.string().optional(),
  size: z.number().optional(),
});
type HpeItem = z.infer<typeof HpeItemSchema>;

/** True when a parsed JSON document has the fwrepo.json shape (file name → {version, target...}). */
export function looksLikeHpeFwrepo(doc: unknown): doc is Record<string, unknown> {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return false;
  const values = Object.entries(doc as Record<string, unknown>);
  if (values.length === 0) return false;
  return values.some(
    ([key, v]) =>
      /\.fwpkg$/i.test(key) ||
      (v !== null && typeof v === 'object' && ('target' in v || 'deviceclass' in v) && 'version' in v),
  );
}

/** DeviceClass GUIDs whose kind the name alone may not reveal (fixtures/redfish/vendor-samples/hpe-ilo). */
const DEVICE_CLASS_KIND: Record<string, ComponentKind> = {
  '2f317b9d-c9e3-4d76-bff6-b9d0d085a952': ComponentKind.bmc,
  'aa148d2e-6e09-453e-bc6f-63baa5f5ccc4': ComponentKind.bios,
};

const BY_TEXT: [RegExp, ComponentKind][] = [
  [/\bilo\b|integrated lights-out/i, ComponentKind.bmc],
  [/system rom|\bbios\b|^[A-Z]\d{2}_/i, ComponentKind.bios],
  [/programmable logic|\bcpld\b|\bpld\b|backplane/i, ComponentKind.cpld],
  [/power supply|\bpsu\b/i, ComponentKind.psu],
  [/smart array|\braid\b|storage controller|\bhba\b|tri-mode|\bsr\d{3}|\bmr\d{3}/i, ComponentKind.storage],
  [/\bdrives?\b|\bssd\b|\bhdd\b|\bnvme\b/i, ComponentKind.drive],
  [/ethernet|\bnic\b|network|adapter|connectx|\bcna\b/i, ComponentKind.nic],
  [/innovation engine|server platform services|\bsps\b/i, ComponentKind.management],
];

function hpeKind(file: string, item: HpeItem): ComponentKind {
  const byClass = item.deviceclass ? DEVICE_CLASS_KIND[item.deviceclass.toLowerCase()] : undefined;
  if (byClass !== undefined) return byClass;
  const text = `${item.description ?? ''} ${file}`;
  for (const [pattern, kind] of BY_TEXT) if (pattern.test(text)) return kind;
  return ComponentKind.other;
}

/** "yes"/"no"/"true"/"false" (any case) or a boolean; undefined when absent, null when unknown. */
function yesNo(value: string | boolean | undefined): boolean | undefined | null {
  if (value === undefined || typeof value === 'boolean') return value;
  const v = value.trim().toLowerCase();
  if (v === 'yes' || v === 'true') return true;
  if (v === 'no' || v === 'false') return false;
  return null;
}

/** Lines of `sha256sum` output ("<hex>  name" or "<hex> *name") → file name → digest. */
export function parseSha256Sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line.trim());
    if (m) sums.set(m[2]!.replace(/^\.\//, ''), m[1]!.toLowerCase());
  }
  return sums;
}

/** "U30_2.90_07_20_2023.fwpkg" → "U30"; ROM packages only. */
const ROM_PACKAGE = /^([A-Z]\d{2})_\d+(?:\.\d+)+_\d{2}_\d{2}_\d{4}\.fwpkg$/i;
/** fwrepo.json's ROM version: "2.90_07-20-2023" (release, then MM-DD-YYYY). */
const ROM_VERSION = /^(\d+(?:\.\d+)+)_(\d{2})-(\d{2})-(\d{4})$/;

/**
 * A ROM package's fwrepo version in the form iLO reports ("U30 v2.90 (07/20/2023)"), or undefined
 * when the package or the version does not have the ROM shape (then the text is used as it is).
 */
export function hpeRomVersion(file: string, version: string): string | undefined {
  const family = ROM_PACKAGE.exec(file)?.[1];
  const m = ROM_VERSION.exec(version.trim());
  if (family === undefined || !m) return undefined;
  return `${family.toUpperCase()} v${m[1]} (${m[2]}/${m[3]}/${m[4]})`;
}

function importHpeItem(file: string, raw: unknown, ctx: HpeContext): Imported {
  if (!/\.fwpkg$/i.test(file)) {
    return skip(
      file,
      file,
      SkipReason.notFwpkg,
      'not a .fwpkg: smart components (.rpm/.zip/.exe) run in the host OS',
    );
  }
  const parsed = HpeItemSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return skip(
      file,
      file,
      SkipReason.invalid,
      `${issue?.path.join('.') || '(item)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const item = parsed.data;
  const safe = safePackagePath(file);
  if (safe === undefined || safe.includes('/'))
    return skip(file, file, SkipReason.unsafePath, `unsafe file name "${file}"`);
  const targets = (typeof item.target === 'string' ? [item.target] : (item.target ?? [])).filter(
    (t) => t && t !== 'null',
  );
  const deviceClass = item.deviceclass && item.deviceclass !== 'null' ? item.deviceclass : undefined;
  if (targets.length === 0 && deviceClass === undefined)
    return skip(file, file, SkipReason.noMatcher, 'no target and no deviceclass');
  const reboot = yesNo(item.reboot_required);
  const powerOff = yesNo(item.server_power_off);
  if (reboot === null || powerOff === null) {
    return skip(file, file, SkipReason.unknownValue, `unknown reboot_required/server_power_off value`);
  }
  const sha256 = item.sha256 ?? ctx.sha256Sums.get(file);
  if (sha256 === undefined && item.md5 === undefined) {
    return skip(
      file,
      file,
      SkipReason.noDigest,
      'fwrepo.json has no digest for it and no SHA256SUMS line names it',
    );
  }
  const kind = hpeKind(file, item);
  const rawMinimum = item.minimum_active_version;
  const minimum =
    rawMinimum && rawMinimum !== 'null' ? (hpeRomVersion(file, rawMinimum) ?? rawMinimum) : undefined;
  const romVersion = hpeRomVersion(file, item.version);
  const releaseDate = isoDate(item.date);
  const candidate = {
    id: `hpe:${file}`,
    vendor: Vendor.hpe,
    kind,
    name: item.description?.trim() || file,
    version: romVersion ?? item.version,
    match: {
      ...(targets.length > 0 ? { hpeTargets: targets } : {}),
      ...(deviceClass === undefined ? {} : { hpeDeviceClass: deviceClass }),
    },
    image: {
      ...(ctx.baseUrl === undefined ? { file: safe } : { url: joinUrl(ctx.baseUrl, safe) }),
      ...(sha256 === undefined ? {} : { sha256 }),
      ...(item.md5 === undefined ? {} : { md5: item.md5 }),
      ...(item.size === undefined ? {} : { size: item.size }),
    },
    // fwrepo.json carries no criticality; HPE ships firmware packs as a whole, as recommended.
    criticality: Criticality.recommended,
    ...(releaseDate === undefined ? {} : { releaseDate }),
    requires: {
      // Absent reboot_required is read as true, as for Dell: a spare reboot beats inactive firmware.
      reboot: reboot !== false || powerOff === true,
      ...(kind === ComponentKind.bmc ? { bmcReset: true } : {}),
      ...(powerOff === true ? { powerOff: true } : {}),
    },
    ...(minimum === undefined ? {} : { prerequisites: { minimumInstalledVersion: minimum } }),
    ...(romVersion === undefined ? {} : { details: { hpeVersion: item.version } }),
    source: { format: CatalogFormat.hpe, file: ctx.file, element: file, key: file },
  };
  return finalizeEntry(candidate, file, file);
}

interface HpeContext extends ImportContext {
  sha256Sums: ReadonlyMap<string, string>;
}

/** Builds a Catalog from a parsed fwrepo.json. Pure: the caller reads SHA256SUMS. */
export function parseHpeFwrepo(
  doc: Record<string, unknown>,
  ctx: ImportContext & {
    baseDir: string;
    encoding: string;
    inFwrepodata: boolean;
    sha256Sums: ReadonlyMap<string, string>;
  },
): Catalog {
  const hpeCtx: HpeContext = ctx;
  // Packages sit in the repository root, beside fwrepodata/: that folder is the catalog's folder
  // (image.file paths stay inside it, local-images.ts).
  const baseDir = ctx.inFwrepodata ? dirname(ctx.baseDir) : ctx.baseDir;
  const entries: CatalogEntry[] = [];
  const skipped: SkippedItem[] = [];
  const keys = Object.keys(doc);
  for (const key of keys) {
    const result = importHpeItem(key, doc[key], hpeCtx);
    if ('entry' in result) entries.push(result.entry);
    else skipped.push(result.skip);
  }
  return {
    entries,
    skipped,
    stats: countStats(keys.length, entries, skipped),
    source: { format: CatalogFormat.hpe, file: ctx.file, baseDir, encoding: ctx.encoding },
  };
}
