/**
 * A native catalog of what a simulated fleet runs now: one entry per component type and installed
 * version, whose image file holds exactly the bytes the BMCs run (their factory image, or the one
 * an update flashed). It is the reference the backup slice is checked against: a copy is good when
 * its digest is the catalog's, and the installed image read back through ImageDataURI too.
 */

import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { type NativeCatalogFile, NativeCatalogFileSchema } from '../../catalog/model.ts';
import type { ComponentKind, Vendor } from '../../vocab.ts';
import type { Json } from '../resource-tree.ts';
import { SimulatedBmc } from '../simulated-bmc.ts';
import { factoryMatch } from '../storage/firmware-images.ts';
import type { SimBmc, SimFleet } from '../types.ts';
import { activeComponents } from '../update/components.ts';
import {
  catalogMatch,
  displayName,
  groupKey,
  type SimulatedCatalog,
  slug,
  supportedModels,
} from './simulated-catalog.ts';

export interface InstalledCatalogOptions {
  bmcs?: readonly SimBmc[];
  fleet?: SimFleet;
  /** Directory for the catalog file and its images/ (created). */
  dir: string;
  /** Only these kinds (default every updateable component). */
  components?: readonly ComponentKind[];
  /** Default installed-catalog.yaml. */
  fileName?: string;
  name?: string;
}

/** Writes the catalog of installed versions and their image files. */
export async function writeInstalledCatalog(options: InstalledCatalogOptions): Promise<SimulatedCatalog> {
  const bmcs = options.bmcs ?? options.fleet?.bmcs ?? [];
  const dir = resolve(options.dir);
  const doc: NativeCatalogFile = { version: 1, name: options.name ?? 'installed-firmware', entries: [] };
  const result: SimulatedCatalog = { catalogFile: '', entries: [], skipped: [] };
  const seen = new Map<string, string>();
  for (const bmc of bmcs) {
    if (!(bmc instanceof SimulatedBmc))
      throw new TypeError(`${bmc.name} is not a simulated BMC of this process`);
    const models = supportedModels(bmc);
    for (const c of activeComponents(bmc)) {
      if (!c.updateable || groupKey(bmc.vendor, c) === undefined) continue;
      if (options.components !== undefined && !options.components.includes(c.kind)) continue;
      const bytes = bmc.storage.pristineBytes(c);
      if (bytes === undefined) {
        result.skipped.push({
          vendor: bmc.vendor,
          name: c.name,
          reason: 'installed image bytes are not known',
        });
        continue;
      }
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const version = bmc.storage.originalVersion(c) ?? c.version;
      const name = displayName(c.name);
      const id = `${bmc.vendor}-${slug(name)}-${slug(version)}-installed`.replace(/^-+/, '');
      const known = seen.get(id);
      if (known !== undefined) {
        if (known !== sha256)
          result.skipped.push({ vendor: bmc.vendor, name, reason: `${id}: differing images` });
        continue;
      }
      const sample = bmc.tree.get(c.path) as Json;
      const component = {
        vendor: bmc.vendor as Vendor,
        kind: c.kind,
        name,
        installed: [version],
        softwareIds: c.softwareId ? [c.softwareId] : [],
        memberId: c.id,
      };
      const match = catalogMatch(bmc.vendor, component, sample, version);
      if (match === undefined) {
        result.skipped.push({ vendor: bmc.vendor, name, reason: 'nothing to match the component by' });
        continue;
      }
      seen.set(id, sha256);
      const file = `images/${bmc.vendor}/${id}.fwsim`;
      await mkdir(join(dir, 'images', bmc.vendor), { recursive: true });
      await writeFile(join(dir, file), bytes);
      doc.entries.push({
        id,
        vendor: bmc.vendor,
        kind: c.kind,
        name: c.name,
        version,
        description: `installed ${bmc.vendor} ${c.kind} image`,
        match: match as NativeCatalogFile['entries'][number]['match'],
        ...(models.length > 0 ? { supportedModels: models.map((m) => ({ ...m })) } : {}),
        image: { file, sha256, size: bytes.length },
        criticality: 'optional',
        requires: c.kind === 'bmc' ? { reboot: false, bmcReset: true } : { reboot: true },
      });
      result.entries.push({
        id,
        vendor: bmc.vendor,
        kind: c.kind,
        name: c.name,
        version,
        installed: [version],
        imageFile: join(dir, file),
        sha256,
        size: bytes.length,
        imageMatch: factoryMatch(bmc.vendor, c),
      });
    }
  }
  NativeCatalogFileSchema.parse(doc);
  await mkdir(dir, { recursive: true });
  result.catalogFile = join(dir, options.fileName ?? 'installed-catalog.yaml');
  await writeFile(result.catalogFile, stringify(doc, { lineWidth: 0 }));
  return result;
}
