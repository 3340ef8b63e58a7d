/**
 * Dell repository Catalog.xml → Catalog. Structure (Dell OpenManage repository catalogs,
 * schemaVersion 1.0+): <Manifest baseLocation baseLocationAccessProtocols dateTime> holding
 * <SoftwareBundle> (per-model package lists) and <SoftwareComponent> (one DUP each: path,
 * hashMD5, vendorVersion, dellVersion, rebootRequired, Name, ComponentType, Category,
 * SupportedDevices/Device@componentID + PCIInfo, SupportedSystems/Brand/Model@systemID,
 * Criticality). Newer catalogs put the elements in the default namespace "openmanage/cm/dm";
 * tag prefixes are stripped, so the same code reads both.
 *
 * The catalog is read as a stream: each SoftwareComponent and SoftwareBundle is built, imported
 * and dropped before the next one is read, so memory follows the imported entries, not the file
 * (Dell's full enterprise catalog is tens of MB).
 */
import { CatalogError } from '../errors.ts';
import { type Catalog, countStats, type DellBundle, type SkippedItem, SkipReason } from './catalog.ts';
import { CatalogErrorCode } from './catalog-errors.ts';
import { applyDellBundles, readDellBundle } from './dell-bundles.ts';
import { type DellLocation, importDellComponent } from './dell-component.ts';
import type { ImportContext } from './import-helpers.ts';
import { type CatalogEntry, CatalogFormat } from './model.ts';
import { attr, child, streamXml, type XmlNode } from './xml-parse.ts';

const COLLECTED = new Set(['SoftwareComponent', 'SoftwareBundle']);

/** Parses decoded Dell catalog text, given whole or in chunks. Pure: no I/O beyond `text`. */
export async function parseDellCatalog(
  text: string | AsyncIterable<string> | Iterable<string>,
  ctx: ImportContext & { baseDir: string; encoding: string },
): Promise<Catalog> {
  let manifest: Record<string, string> = {};
  let location: DellLocation = {};
  const entries: CatalogEntry[] = [];
  const skipped: SkippedItem[] = [];
  const bundles: DellBundle[] = [];
  const byComponentType: Record<string, number> = {};
  const componentPaths = new Set<string>();
  const firstById = new Map<string, string>();
  let seen = 0;
  // A model is listed by dozens of components and bundles (13,279 model references to a few
  // hundred models in the 11G catalog): one shared object per model keeps a large catalog small.
  const models = new Map<string, { systemId?: string; name?: string }>();
  const shared = <M extends { systemId?: string; name?: string }>(model: M): M => {
    const key = `${model.systemId ?? ''}\u0000${model.name ?? ''}`;
    const known = models.get(key) as M | undefined;
    if (known !== undefined) return known;
    models.set(key, model);
    return model;
  };

  const addComponent = (component: XmlNode) => {
    const i = seen++;
    const type = attr(child(component, 'ComponentType'), 'value') ?? '(none)';
    byComponentType[type] = (byComponentType[type] ?? 0) + 1;
    const path = attr(component, 'path');
    if (path !== undefined) componentPaths.add(path);
    const result = importDellComponent(component, i, location, ctx);
    if ('skip' in result) {
      skipped.push(result.skip);
      return;
    }
    const { entry } = result;
    const first = firstById.get(entry.id);
    if (first !== undefined) {
      const detail = `duplicate packageID (first at ${first})`;
      skipped.push({
        element: entry.source.element ?? '',
        ...(path ? { key: path } : {}),
        reason: SkipReason.invalid,
        detail,
      });
      return;
    }
    firstById.set(entry.id, entry.source.element ?? '');
    if (entry.supportedModels !== undefined) entry.supportedModels = entry.supportedModels.map(shared);
    entries.push(entry);
  };

  await streamXml(typeof text === 'string' ? [text] : text, ctx.file, COLLECTED, {
    root(name, attributes) {
      if (name !== 'Manifest') {
        throw new CatalogError(
          ctx.file,
          `not a Dell catalog: root element is <${name}>, expected <Manifest>`,
          {
            code: CatalogErrorCode.invalid,
          },
        );
      }
      manifest = attributes;
      const baseLocation = attr({ $: manifest }, 'baseLocation');
      const protocols = attr({ $: manifest }, 'baseLocationAccessProtocols');
      location = {
        ...(baseLocation === undefined ? {} : { baseLocation }),
        ...(protocols === undefined ? {} : { protocols }),
      };
    },
    child(name, node) {
      if (name === 'SoftwareComponent') addComponent(node);
      else {
        const bundle = readDellBundle(node, bundles.length);
        bundles.push({ ...bundle, models: bundle.models.map(shared) });
      }
    },
  });

  const bundleStats = applyDellBundles(entries, bundles, componentPaths);
  const root = { $: manifest };
  const dateTime = attr(root, 'dateTime');
  const version = attr(root, 'version');
  return {
    entries,
    skipped,
    bundles,
    stats: { ...countStats(seen, entries, skipped), byComponentType, bundles: bundleStats },
    source: {
      format: CatalogFormat.dell,
      file: ctx.file,
      baseDir: ctx.baseDir,
      encoding: ctx.encoding,
      baseLocation: location.baseLocation ?? '',
      ...(location.protocols === undefined ? {} : { baseLocationAccessProtocols: location.protocols }),
      ...(dateTime === undefined ? {} : { dateTime }),
      ...(version === undefined ? {} : { name: `Dell catalog ${version}` }),
    },
  };
}
