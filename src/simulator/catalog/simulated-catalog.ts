/**
 * A native catalog for a simulated fleet: one entry per updateable component type of each vendor
 * present, at a version newer than any BMC runs, with an image file whose header the simulator
 * accepts for those components. Entries match the way firmwarden's planner matches real
 * inventories: Dell by ComponentID, HPE by Oem.Hpe.Targets, Lenovo/Supermicro/DMTF by SoftwareId,
 * OpenBMC by name pattern plus kind (bmcweb names every member "Software Inventory"; the planner
 * tells the BMC image from the host image by the kind it reads from RelatedItem).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { type NativeCatalogFile, NativeCatalogFileSchema } from '../../catalog/model.ts';
import type { ComponentKind, Vendor } from '../../vocab.ts';
import { type SimImageHeader, writeSimImage } from '../image-format.ts';
import { ROOT } from '../profiles/common.ts';
import type { Json } from '../resource-tree.ts';
import { SimulatedBmc } from '../simulated-bmc.ts';
import type { SimBmc, SimFleet } from '../types.ts';
import { activeComponents, type SimComponent } from '../update/components.ts';
import { bumpVersion } from './version-bump.ts';

/** One component type of one vendor, as the fleet has it. */
export interface SimCatalogComponent {
  vendor: Vendor;
  kind: ComponentKind;
  /** Display name (Dell NIC names without their MAC). */
  name: string;
  /** Versions installed across the fleet. */
  installed: string[];
  /** SoftwareIds reported across the fleet. */
  softwareIds: string[];
  /** Inventory member Id on the first BMC that has it. */
  memberId: string;
}

export interface SimulatedCatalogOptions {
  /** The BMCs to cover (or `fleet`). */
  bmcs?: readonly SimBmc[];
  fleet?: SimFleet;
  /** Directory for the catalog file and its images/ (created). */
  dir: string;
  /** Steps above the newest installed version (default 1), or the new version itself. */
  bump?: number | ((c: SimCatalogComponent) => string);
  /** Payload bytes per image (default 4096). */
  imageSize?: number;
  /** Which components get entries: kinds, or a predicate (default all updateable ones). */
  components?: readonly ComponentKind[] | ((c: SimCatalogComponent) => boolean);
  /** Catalog file name (default catalog.yaml). */
  fileName?: string;
  /** Catalog name written into the file. */
  name?: string;
}

export interface SimulatedCatalogEntry {
  id: string;
  vendor: Vendor;
  kind: ComponentKind;
  name: string;
  version: string;
  /** Versions installed across the fleet when the catalog was written. */
  installed: string[];
  /** Absolute path of the image file. */
  imageFile: string;
  sha256: string;
  size: number;
  /** The image header's match (what the simulator checks against its targets). */
  imageMatch: SimImageHeader['match'];
}

export interface SimulatedCatalog {
  catalogFile: string;
  entries: SimulatedCatalogEntry[];
  /** Components left out, and why (e.g. versions firmwarden cannot order, like "HT66"). */
  skipped: Array<{ vendor: Vendor; name: string; reason: string }>;
}

interface Group {
  component: SimCatalogComponent;
  /** A member of the group per BMC, for Oem data (HPE targets). */
  sample: Json;
}

/** How a component type is told apart across BMCs of a vendor. */
export function groupKey(vendor: Vendor, c: SimComponent): string | undefined {
  if (vendor === 'dell') return c.softwareId && c.softwareId !== '0' ? `cid:${c.softwareId}` : undefined;
  if (vendor === 'generic') return c.softwareId ? `sid:${c.softwareId}` : undefined;
  if (vendor === 'openbmc') return `kind:${c.kind}`;
  return `id:${c.id}`;
}

export function displayName(name: string): string {
  return name.replace(/ - ([0-9A-F]{2}:){5}[0-9A-F]{2}$/i, '').replace(/^Disk \d+ in /, 'Disks in ');
}

export function slug(s: string): string {
  return s
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
}

/** What the System says about the model: Dell SystemID as 4 hex digits, else a real SKU; Model. */
export function supportedModels(bmc: SimulatedBmc): Array<{ systemId?: string; name?: string }> {
  const systems = bmc.tree.members(`${ROOT}/Systems`);
  const system = systems[0] === undefined ? undefined : bmc.tree.get(systems[0]);
  if (system === undefined) return [];
  const model = typeof system['Model'] === 'string' ? system['Model'] : undefined;
  const dellId = ((system['Oem'] as Json | undefined)?.['Dell'] as Json | undefined)?.['DellSystem'] as
    | Json
    | undefined;
  let systemId: string | undefined;
  if (bmc.vendor === 'dell' && typeof dellId?.['SystemID'] === 'number') {
    systemId = dellId['SystemID'].toString(16).toUpperCase().padStart(4, '0');
  } else if (typeof system['SKU'] === 'string' && !/to be filled/i.test(system['SKU'])) {
    systemId = system['SKU'];
  }
  const entry = { ...(systemId ? { systemId } : {}), ...(model ? { name: model } : {}) };
  return Object.keys(entry).length > 0 ? [entry] : [];
}

/** The image header's match: stable SoftwareIds where they exist, member Ids (iLO, XCC), else kind. */
function imageMatch(vendor: Vendor, c: SimCatalogComponent): SimImageHeader['match'] {
  if (vendor === 'dell' || vendor === 'generic' || vendor === 'supermicro') {
    return { softwareId: c.softwareIds[0] as string };
  }
  if (vendor === 'openbmc') return { kind: c.kind };
  return { id: c.memberId };
}

export function catalogMatch(
  vendor: Vendor,
  c: SimCatalogComponent,
  sample: Json,
  newVersion: string,
): Json | undefined {
  if (vendor === 'hpe') {
    const hpe = (sample['Oem'] as Json | undefined)?.['Hpe'] as Json | undefined;
    const targets = hpe?.['Targets'];
    if (!Array.isArray(targets) || targets.length === 0) return undefined;
    return {
      hpeTargets: targets.map(String),
      ...(typeof hpe?.['DeviceClass'] === 'string' ? { hpeDeviceClass: hpe['DeviceClass'] } : {}),
    };
  }
  if (vendor === 'openbmc') return { namePattern: '^Software Inventory$' };
  if (c.softwareIds.length === 0) return undefined;
  // XCC's SoftwareId is the build id, which the new image changes: list it too.
  const ids = vendor === 'lenovo' ? [...c.softwareIds, newVersion.split('-')[0] as string] : c.softwareIds;
  return { softwareIds: [...new Set(ids)] };
}

/** Writes image files and a native catalog YAML upgrading each vendor's components in the fleet. */
export async function writeSimulatedCatalog(options: SimulatedCatalogOptions): Promise<SimulatedCatalog> {
  const bmcs = options.bmcs ?? options.fleet?.bmcs ?? [];
  const dir = resolve(options.dir);
  const imageSize = options.imageSize ?? 4096;
  const groups = new Map<string, Group>();
  const models = new Map<Vendor, Array<{ systemId?: string; name?: string }>>();
  for (const bmc of bmcs) {
    if (!(bmc instanceof SimulatedBmc))
      throw new TypeError(`${bmc.name} is not a simulated BMC of this process`);
    if (!models.has(bmc.vendor)) models.set(bmc.vendor, supportedModels(bmc));
    for (const c of activeComponents(bmc)) {
      const key = groupKey(bmc.vendor, c);
      if (key === undefined || !c.updateable) continue;
      const id = `${bmc.vendor}|${key}`;
      const g = groups.get(id);
      if (g === undefined) {
        groups.set(id, {
          sample: bmc.tree.get(c.path) as Json,
          component: {
            vendor: bmc.vendor,
            kind: c.kind,
            name: displayName(c.name),
            installed: [c.version],
            softwareIds: c.softwareId ? [c.softwareId] : [],
            memberId: c.id,
          },
        });
      } else {
        if (!g.component.installed.includes(c.version)) g.component.installed.push(c.version);
        if (c.softwareId && !g.component.softwareIds.includes(c.softwareId))
          g.component.softwareIds.push(c.softwareId);
      }
    }
  }

  const wanted = options.components;
  const keep = (c: SimCatalogComponent) =>
    wanted === undefined ? true : typeof wanted === 'function' ? wanted(c) : wanted.includes(c.kind);
  const entries: SimulatedCatalogEntry[] = [];
  const skipped: SimulatedCatalog['skipped'] = [];
  const doc: NativeCatalogFile = { version: 1, name: options.name ?? 'simulated-fleet', entries: [] };
  let seed = 1;
  for (const { component: c, sample } of groups.values()) {
    if (!keep(c)) continue;
    const bump = options.bump ?? 1;
    const version = typeof bump === 'function' ? bump(c) : bumpVersion(c.installed, c.vendor, c.kind, bump);
    if (version === undefined) {
      skipped.push({
        vendor: c.vendor,
        name: c.name,
        reason: `no version can be ordered after ${c.installed.join(', ')}`,
      });
      continue;
    }
    const match = catalogMatch(c.vendor, c, sample, version);
    if (match === undefined) {
      skipped.push({ vendor: c.vendor, name: c.name, reason: 'nothing to match the component by' });
      continue;
    }
    const id = `${c.vendor}-${slug(c.name)}-${slug(version)}`.replace(/^-+/, '');
    const file = `images/${c.vendor}/${id}.fwsim`;
    const header = imageMatch(c.vendor, c);
    const written = await writeSimImage(join(dir, file), {
      vendor: c.vendor,
      match: header,
      version,
      name: c.name,
      payloadSize: imageSize,
      seed: seed++,
    });
    const models_ = models.get(c.vendor) ?? [];
    doc.entries.push({
      id,
      vendor: c.vendor,
      kind: c.kind,
      name: c.name,
      version,
      description: `simulated ${c.vendor} ${c.kind} image`,
      match: match as NativeCatalogFile['entries'][number]['match'],
      ...(models_.length > 0 ? { supportedModels: models_.map((m) => ({ ...m })) } : {}),
      image: { file, sha256: written.sha256, size: written.size },
      criticality: 'recommended',
      requires: c.kind === 'bmc' ? { reboot: false, bmcReset: true } : { reboot: true },
    });
    entries.push({
      id,
      vendor: c.vendor,
      kind: c.kind,
      name: c.name,
      version,
      installed: [...c.installed],
      imageFile: join(dir, file),
      sha256: written.sha256,
      size: written.size,
      imageMatch: header,
    });
  }
  NativeCatalogFileSchema.parse(doc);
  await mkdir(dir, { recursive: true });
  const catalogFile = join(dir, options.fileName ?? 'catalog.yaml');
  await writeFile(catalogFile, stringify(doc, { lineWidth: 0 }));
  return { catalogFile, entries, skipped };
}
