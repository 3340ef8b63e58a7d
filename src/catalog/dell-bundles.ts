/**
 * Dell SoftwareBundles: per-model ("system bundle") lists of package paths. They tell which
 * models a package is meant for; SoftwareComponent/SupportedSystems usually says the same, so
 * bundles only add models to entries that list none, and are reported in the stats.
 */
import type { CatalogStats, DellBundle } from './catalog.ts';
import { dellModels } from './dell-component.ts';
import type { CatalogEntry } from './model.ts';
import { attr, child, children, display, type XmlNode } from './xml-parse.ts';

/** Reads SoftwareBundle number `index` of the Manifest. */
export function readDellBundle(bundle: XmlNode, index: number): DellBundle {
  const bundleType = attr(bundle, 'bundleType');
  const vendorVersion = attr(bundle, 'vendorVersion');
  return {
    bundleId: attr(bundle, 'bundleID') ?? attr(bundle, 'releaseID') ?? `SoftwareBundle[${index}]`,
    name: display(child(bundle, 'Name')),
    ...(bundleType === undefined ? {} : { bundleType }),
    ...(vendorVersion === undefined ? {} : { vendorVersion }),
    models: dellModels(child(bundle, 'TargetSystems')),
    packages: children(child(bundle, 'Contents'), 'Package')
      .map((p) => attr(p, 'path'))
      .filter((p): p is string => p !== undefined),
  };
}

/**
 * Adds bundle models to entries that have no supportedModels (matched by package path, the
 * entry's source.key), and returns the bundle statistics. `componentPaths` are the paths of all
 * SoftwareComponents, imported or skipped.
 */
export function applyDellBundles(
  entries: CatalogEntry[],
  bundles: DellBundle[],
  componentPaths: ReadonlySet<string>,
): NonNullable<CatalogStats['bundles']> {
  const modelsByPath = new Map<string, Map<string, { systemId: string; name: string }>>();
  let packageRefs = 0;
  let unresolvedPackages = 0;
  for (const bundle of bundles) {
    for (const path of bundle.packages) {
      packageRefs++;
      if (!componentPaths.has(path)) unresolvedPackages++;
      let models = modelsByPath.get(path);
      if (models === undefined) {
        models = new Map();
        modelsByPath.set(path, models);
      }
      for (const m of bundle.models) if (!models.has(m.systemId)) models.set(m.systemId, m);
    }
  }
  let modelsAdded = 0;
  for (const entry of entries) {
    const key = entry.source.key;
    if (entry.supportedModels !== undefined || key === undefined) continue;
    const models = modelsByPath.get(key);
    if (models === undefined || models.size === 0) continue;
    entry.supportedModels = [...models.values()];
    modelsAdded += models.size;
  }
  let componentsWithoutBundle = 0;
  for (const path of componentPaths) if (!modelsByPath.has(path)) componentsWithoutBundle++;
  return {
    count: bundles.length,
    packageRefs,
    distinctPackages: modelsByPath.size,
    unresolvedPackages,
    componentsWithoutBundle,
    modelsAdded,
  };
}
