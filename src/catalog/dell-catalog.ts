/**
 * Dell repository Catalog.xml → Catalog. Structure (Dell OpenManage repository catalogs,
 * schemaVersion 1.0+): <Manifest baseLocation baseLocationAccessProtocols dateTime> holding
 * <SoftwareBundle> (per-model package lists) and <SoftwareComponent> (one DUP each: path,
 * hashMD5, vendorVersion, dellVersion, rebootRequired, Name, ComponentType, Category,
 * SupportedDevices/Device@componentID + PCIInfo, SupportedSystems/Brand/Model@systemID,
 * Criticality). Newer catalogs put the elements in the default namespace "openmanage/cm/dm";
 * xml2js keeps local names, so the same code reads both.
 */
import { CatalogError } from '../errors.ts';
import { type Catalog, countStats, type SkippedItem, SkipReason } from './catalog.ts';
import { CatalogErrorCode } from './catalog-errors.ts';
import { applyDellBundles, readDellBundles } from './dell-bundles.ts';
import { importDellComponent } from './dell-component.ts';
import type { ImportContext } from './import-helpers.ts';
import { type CatalogEntry, CatalogFormat } from './model.ts';
import { attr, children, parseXml } from './xml-parse.ts';

/** Parses decoded Dell catalog text. Pure: no I/O. */
export async function parseDellCatalog(
  text: string,
  ctx: ImportContext & { baseDir: string; encoding: string },
): Promise<Catalog> {
  const tree = await parseXml(text, ctx.file);
  const [rootName] = Object.keys(tree);
  const manifest = rootName === undefined ? undefined : tree[rootName];
  if (rootName === undefined || localName(rootName) !== 'Manifest' || manifest === undefined) {
    throw new CatalogError(
      ctx.file,
      `not a Dell catalog: root element is <${rootName ?? ''}>, expected <Manifest>`,
      {
        code: CatalogErrorCode.invalid,
      },
    );
  }
  const baseLocation = attr(manifest, 'baseLocation');
  const protocols = attr(manifest, 'baseLocationAccessProtocols');
  const location = {
    ...(baseLocation === undefined ? {} : { baseLocation }),
    ...(protocols === undefined ? {} : { protocols }),
  };

  const components = children(manifest, 'SoftwareComponent');
  const entries: CatalogEntry[] = [];
  const skipped: SkippedItem[] = [];
  const byComponentType: Record<string, number> = {};
  const componentPaths = new Set<string>();
  const firstById = new Map<string, string>();
  components.forEach((component, i) => {
    const type = attr(children(component, 'ComponentType')[0], 'value') ?? '(none)';
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
    entries.push(entry);
  });

  const bundles = readDellBundles(manifest);
  const bundleStats = applyDellBundles(entries, bundles, componentPaths);
  const dateTime = attr(manifest, 'dateTime');
  return {
    entries,
    skipped,
    bundles,
    stats: { ...countStats(components.length, entries, skipped), byComponentType, bundles: bundleStats },
    source: {
      format: CatalogFormat.dell,
      file: ctx.file,
      baseDir: ctx.baseDir,
      encoding: ctx.encoding,
      baseLocation: baseLocation ?? '',
      ...(protocols === undefined ? {} : { baseLocationAccessProtocols: protocols }),
      ...(dateTime === undefined ? {} : { dateTime }),
      ...(attr(manifest, 'version') === undefined
        ? {}
        : { name: `Dell catalog ${attr(manifest, 'version')}` }),
    },
  };
}

/** "dm:Manifest" → "Manifest". */
function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}
