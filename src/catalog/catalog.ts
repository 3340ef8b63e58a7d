/**
 * A loaded catalog: the entries every format is normalized into, plus what was left out and why.
 * Loading is pure (it reads files, never writes); only syncCatalog touches the image store.
 */
import type { ComponentKind } from '../vocab.ts';
import type { CatalogEntry, CatalogFormat } from './model.ts';

/** Why an item of a vendor catalog was not imported. */
export const SkipReason = {
  /** Dell ComponentType other than FRMW and BIOS (APAC, APP, DRVR...): not firmware a BMC applies. */
  componentType: 'component-type',
  /** HPE fwrepo.json key that is not a .fwpkg (.rpm/.zip/.exe smart components run in the host OS). */
  notFwpkg: 'not-fwpkg',
  /** No digest to verify the image with (HPE fwrepo.json publishes none; see SHA256SUMS). */
  noDigest: 'no-digest',
  /** The package path is absolute, has a scheme or climbs out with "..". */
  unsafePath: 'unsafe-path',
  /** Nothing to recognise the installed component by (no ComponentID, PCI ids or HPE targets). */
  noMatcher: 'no-matcher',
  /** A value outside what the importer knows (Dell Criticality, HPE reboot_required): not guessed. */
  unknownValue: 'unknown-value',
  /** The item does not have the shape the vendor format requires. */
  invalid: 'invalid',
} as const;
export type SkipReason = (typeof SkipReason)[keyof typeof SkipReason];

/** One item of a vendor catalog that was not imported. */
export interface SkippedItem {
  /** Where in the file, e.g. "SoftwareComponent[391]" or the HPE file name. */
  element: string;
  /** The vendor key (Dell package path, HPE file name) when there is one. */
  key?: string;
  reason: SkipReason;
  /** Human-readable detail, e.g. "ComponentType APAC (Application)". */
  detail: string;
}

/** Dell SoftwareBundle: one model's set of packages (a "system bundle"). */
export interface DellBundle {
  bundleId: string;
  name: string;
  bundleType?: string;
  vendorVersion?: string;
  models: { systemId: string; name: string }[];
  /** Package paths, as in SoftwareComponent@path. */
  packages: string[];
}

/** Counts for the import report. */
export interface CatalogStats {
  /** Items the file holds (Dell SoftwareComponents, HPE keys, native entries). */
  seen: number;
  imported: number;
  skipped: number;
  byKind: Partial<Record<ComponentKind, number>>;
  skippedByReason: Partial<Record<SkipReason, number>>;
  /** Dell: SoftwareComponents per ComponentType value, imported or not. */
  byComponentType?: Record<string, number>;
  /** Dell: SoftwareBundles read and how their package references resolved. */
  bundles?: {
    count: number;
    /** Package references in all bundles (one package may be in many). */
    packageRefs: number;
    /** Distinct package paths referenced. */
    distinctPackages: number;
    /** References to paths that no SoftwareComponent has. */
    unresolvedPackages: number;
    /** SoftwareComponents that no bundle references. */
    componentsWithoutBundle: number;
    /** Models added to entries from bundles (components that list no SupportedSystems). */
    modelsAdded: number;
  };
}

/** Facts about the catalog file itself. */
export interface CatalogSource {
  format: CatalogFormat;
  /** The path as given to loadCatalog (used in messages). */
  file: string;
  /** Directory `image.file` paths are relative to (absolute); local images must stay inside it. */
  baseDir: string;
  /** The http(s) URL the catalog was fetched from; absent for a local file. Such a catalog names no local image. */
  url?: string;
  /**
   * Base URL given at import (an operator's mirror, or the folder of the catalog's URL): its
   * host is one image downloads may use (image-hosts.ts).
   */
  baseUrl?: string;
  /** How the bytes were decoded. */
  encoding: string;
  name?: string;
  /** Dell Manifest@dateTime, Dell/HPE release tag, native `name`. */
  dateTime?: string;
  /** Dell Manifest@baseLocation (may be empty: packages sit beside the catalog). */
  baseLocation?: string;
  /** Dell Manifest@baseLocationAccessProtocols, e.g. "HTTPS". */
  baseLocationAccessProtocols?: string;
}

/** A catalog in firmwarden's model, whatever file it came from. */
export interface Catalog {
  entries: CatalogEntry[];
  source: CatalogSource;
  skipped: SkippedItem[];
  stats: CatalogStats;
  /** Dell only. */
  bundles?: DellBundle[];
}

/** Counts entries by kind and skipped items by reason (shared by every importer). */
export function countStats(
  seen: number,
  entries: CatalogEntry[],
  skipped: SkippedItem[],
): Pick<CatalogStats, 'seen' | 'imported' | 'skipped' | 'byKind' | 'skippedByReason'> {
  const byKind: Partial<Record<ComponentKind, number>> = {};
  for (const e of entries) byKind[e.kind] = (byKind[e.kind] ?? 0) + 1;
  const skippedByReason: Partial<Record<SkipReason, number>> = {};
  for (const s of skipped) skippedByReason[s.reason] = (skippedByReason[s.reason] ?? 0) + 1;
  return { seen, imported: entries.length, skipped: skipped.length, byKind, skippedByReason };
}
