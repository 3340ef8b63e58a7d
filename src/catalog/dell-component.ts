/**
 * One Dell SoftwareComponent → one CatalogEntry (or the reason it was skipped).
 *
 * Version: an entry's version is SoftwareComponent@vendorVersion, because that is what iDRAC
 * reports as Redfish SoftwareInventory.Version (and in the Installed-<ComponentID>-<Version> Id):
 * BIOS "2.6.0", iDRAC "2.50.50.50", drives "MA8F". @dellVersion is Dell's package revision
 * ("A00", "A00-00") for most firmware, equal to vendorVersion only for BIOS; it is kept in
 * `details.dellVersion` for display.
 */
import { Vendor } from '../vocab.ts';
import { SkipReason } from './catalog.ts';
import { dellKind } from './dell-kind.ts';
import {
  finalizeEntry,
  type ImportContext,
  type Imported,
  isoDate,
  joinUrl,
  safePackagePath,
  skip,
} from './import-helpers.ts';
import { CatalogFormat, Criticality } from './model.ts';
import { attr, child, children, display, text, type XmlNode } from './xml-parse.ts';

/** ComponentType values firmwarden imports: device firmware and system BIOS. */
const IMPORTED_TYPES = new Set(['FRMW', 'BIOS']);

/** Where the Manifest says packages live. */
export interface DellLocation {
  /** Manifest@baseLocation: a host ("downloads.dell.com"), a URL, or empty (beside the catalog). */
  baseLocation?: string;
  /** Manifest@baseLocationAccessProtocols: "HTTPS", "HTTP", or a comma list. */
  protocols?: string;
}

/** Imports SoftwareComponent number `index` of the Manifest. */
export function importDellComponent(
  component: XmlNode,
  index: number,
  location: DellLocation,
  ctx: ImportContext,
): Imported {
  const element = `SoftwareComponent[${index}]`;
  const path = attr(component, 'path');
  const typeNode = child(component, 'ComponentType');
  const componentType = attr(typeNode, 'value') ?? '';
  if (!IMPORTED_TYPES.has(componentType)) {
    const label = display(typeNode);
    return skip(
      element,
      path,
      SkipReason.componentType,
      `ComponentType ${componentType || '(none)'}${label ? ` (${label})` : ''}: only FRMW and BIOS are imported`,
    );
  }
  if (path === undefined) return skip(element, path, SkipReason.invalid, 'no path attribute');
  const safePath = safePackagePath(path);
  if (safePath === undefined)
    return skip(element, path, SkipReason.unsafePath, `unsafe package path "${path}"`);

  const match = dellMatch(component);
  if (match.softwareIds === undefined && match.pci === undefined) {
    return skip(element, path, SkipReason.noMatcher, 'no Device@componentID and no PCIInfo');
  }
  const criticality = dellCriticality(child(component, 'Criticality'));
  if (criticality === undefined) {
    const value = attr(child(component, 'Criticality'), 'value');
    return skip(element, path, SkipReason.unknownValue, `unknown Criticality value "${value ?? ''}"`);
  }
  const rebootAttr = attr(component, 'rebootRequired')?.toLowerCase();
  if (rebootAttr !== undefined && rebootAttr !== 'true' && rebootAttr !== 'false') {
    return skip(element, path, SkipReason.unknownValue, `unknown rebootRequired value "${rebootAttr}"`);
  }

  const name = display(child(component, 'Name')) || path;
  const category = attr(child(component, 'Category'), 'value');
  const kind = dellKind(componentType, category, name);
  const packageId = attr(component, 'packageID') ?? attr(component, 'releaseID');
  const vendorVersion = attr(component, 'vendorVersion');
  const dellVersion = attr(component, 'dellVersion');
  const size = attr(component, 'size');
  const models = dellModels(child(component, 'SupportedSystems'));
  const description = display(child(component, 'Description'));
  const releaseDate = isoDate(attr(component, 'releaseDate')) ?? isoDate(attr(component, 'dateTime'));

  const candidate = {
    id: `dell:${packageId ?? safePath}`,
    vendor: Vendor.dell,
    kind,
    name,
    version: vendorVersion ?? dellVersion,
    ...(description ? { description } : {}),
    match,
    ...(models.length > 0 ? { supportedModels: models } : {}),
    image: {
      ...dellImageLocation(safePath, location, ctx),
      ...dellDigests(component),
      ...(size === undefined ? {} : { size: Number(size) }),
    },
    criticality,
    ...(releaseDate === undefined ? {} : { releaseDate }),
    requires: {
      // An absent rebootRequired is read as true: assuming a reset that is not needed costs a
      // reboot; assuming none when one is needed leaves the new firmware inactive.
      reboot: rebootAttr !== 'false',
      ...(kind === 'bmc' ? { bmcReset: true } : {}),
    },
    details: compact({
      packageId,
      releaseId: attr(component, 'releaseID'),
      dellVersion,
      componentType,
      category,
      packageType: attr(component, 'packageType'),
      importantInfo: attr(child(component, 'ImportantInfo'), 'URL'),
    }),
    source: { format: CatalogFormat.dell, file: ctx.file, element, key: path },
  };
  return finalizeEntry(candidate, element, path);
}

/** Device@componentID → softwareIds ("0" dropped: iDRAC reports it for devices without one). */
function dellMatch(component: XmlNode): { softwareIds?: string[]; pci?: Record<string, string>[] } {
  const ids = new Set<string>();
  const pci = new Map<string, Record<string, string>>();
  for (const device of children(child(component, 'SupportedDevices'), 'Device')) {
    const id = attr(device, 'componentID');
    if (id !== undefined && id !== '0') ids.add(id);
    for (const info of children(device, 'PCIInfo')) {
      const vendorId = attr(info, 'vendorID');
      const deviceId = attr(info, 'deviceID');
      if (vendorId === undefined || deviceId === undefined) continue;
      const ids4 = compact({
        vendorId,
        deviceId,
        subsystemVendorId: attr(info, 'subVendorID'),
        subsystemId: attr(info, 'subDeviceID'),
      });
      pci.set(Object.values(ids4).join(':').toLowerCase(), ids4);
    }
  }
  return {
    ...(ids.size > 0 ? { softwareIds: [...ids] } : {}),
    ...(pci.size > 0 ? { pci: [...pci.values()] } : {}),
  };
}

/** SupportedSystems/Brand/Model → [{systemId, name: "PowerEdge R710"}], deduplicated by systemId. */
export function dellModels(systems: XmlNode | undefined): { systemId: string; name: string }[] {
  const models = new Map<string, { systemId: string; name: string }>();
  for (const brand of children(systems, 'Brand')) {
    const brandName = display(brand) || attr(brand, 'prefix') || '';
    for (const model of children(brand, 'Model')) {
      const systemId = attr(model, 'systemID');
      if (systemId === undefined || models.has(systemId)) continue;
      const name = `${brandName} ${display(model)}`.trim();
      models.set(systemId, { systemId, name: name || systemId });
    }
  }
  return [...models.values()];
}

/** Dell Criticality@value (falling back to the Display prefix) → Criticality. */
function dellCriticality(node: XmlNode | undefined): Criticality | undefined {
  switch (attr(node, 'value')) {
    case '0':
    case '3':
      return Criticality.optional;
    case '1':
      return Criticality.recommended;
    case '2':
      return Criticality.urgent;
  }
  const label = display(node);
  if (/^(urgent|critical)\b/i.test(label)) return Criticality.urgent;
  if (/^recommended\b/i.test(label)) return Criticality.recommended;
  if (/^optional\b/i.test(label)) return Criticality.optional;
  return undefined;
}

/**
 * hashMD5 (every Dell catalog) and a SHA-256 where the catalog carries one. Newer Dell catalogs
 * add stronger hashes as child elements; both shapes seen in Dell XML are read:
 * HashValues/HashValue@algorithm+@value and Cryptography/Hash@algorithm with the digest as text.
 */
function dellDigests(component: XmlNode): { md5?: string; sha256?: string } {
  const out: { md5?: string; sha256?: string } = {};
  const md5 = attr(component, 'hashMD5');
  if (md5 !== undefined) out.md5 = md5;
  const sha256Attr = attr(component, 'hashSHA256') ?? attr(component, 'sha256');
  if (sha256Attr !== undefined) out.sha256 = sha256Attr;
  const hashes = [
    ...children(child(component, 'HashValues'), 'HashValue'),
    ...children(child(component, 'Cryptography'), 'Hash'),
  ];
  for (const h of hashes) {
    const algorithm = (attr(h, 'algorithm') ?? attr(h, 'hashAlgorithm') ?? attr(h, 'type') ?? '')
      .replace('-', '')
      .toUpperCase();
    const value = attr(h, 'value') ?? attr(h, 'hashValue') ?? text(h);
    if (!value) continue;
    if (algorithm === 'SHA256' && out.sha256 === undefined) out.sha256 = value;
    if (algorithm === 'MD5' && out.md5 === undefined) out.md5 = value;
  }
  return out;
}

/**
 * The package's URL, or its path relative to the catalog when the Manifest has no baseLocation
 * and no baseUrl was given. An explicit baseUrl wins over baseLocation: it names a mirror.
 * baseLocation is a host ("downloads.dell.com") whose scheme comes from
 * baseLocationAccessProtocols (HTTPS preferred; HTTPS when the attribute is absent).
 */
function dellImageLocation(
  path: string,
  location: DellLocation,
  ctx: ImportContext,
): { url: string } | { file: string } {
  if (ctx.baseUrl !== undefined) return { url: joinUrl(ctx.baseUrl, path) };
  const base = location.baseLocation?.trim();
  if (!base) return { file: path };
  if (/^https?:\/\//i.test(base)) return { url: joinUrl(base, path) };
  const protocols = (location.protocols ?? '')
    .toUpperCase()
    .split(/[\s,;]+/)
    .filter(Boolean);
  const scheme =
    protocols.length === 0 || protocols.includes('HTTPS')
      ? 'https'
      : protocols.includes('HTTP')
        ? 'http'
        : 'https';
  return { url: joinUrl(`${scheme}://${base.replace(/^\/+|\/+$/g, '')}`, path) };
}

/** Drops undefined values from a record of strings. */
function compact(record: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record)) if (v !== undefined) out[k] = v;
  return out;
}
