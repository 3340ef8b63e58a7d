/**
 * compareVersionsDetailed with a memo: a fleet repeats the same (installed, catalog) pairs
 * thousands of times. One comparer per planner (createPlanner): its keys are version strings and
 * hints, so it is right for any inventory planned against that catalog.
 */
import type { InventoryComponent, ServerInventory } from '../inventory/model.ts';
import {
  compareParsedVersions,
  type ParsedVersion,
  parseVersion,
  type VersionComparison,
  type VersionHints,
} from '../versions/index.ts';

export type Compare = (a: string, b: string, hints: VersionHints) => VersionComparison;

/** A memoizing compare function. */
export function memoCompare(): Compare {
  // Nested maps keyed by the strings themselves (hints, then a, then b): inventory strings are
  // reused objects whose hash V8 caches, where a concatenated key would be built and hashed on
  // every call, and a plan makes millions of calls. A fleet has a few hundred distinct version
  // strings but thousands of distinct pairs: each string is parsed once, not once per pair.
  const memo = new HintsMemo<Map<string, Map<string, VersionComparison>>>(() => new Map());
  const parsed = new HintsMemo<Map<string, ParsedVersion>>(() => new Map());
  const parse = (v: string, hints: VersionHints) => {
    const byText = parsed.get(hints);
    let p = byText.get(v);
    if (p === undefined) {
      p = parseVersion(v, hints);
      byText.set(v, p);
    }
    return p;
  };
  return (a, b, hints) => {
    const byA = memo.get(hints);
    let byB = byA.get(a);
    if (byB === undefined) {
      byB = new Map();
      byA.set(a, byB);
    }
    let result = byB.get(b);
    if (result === undefined) {
      result = compareParsedVersions(parse(a, hints), parse(b, hints));
      byB.set(b, result);
    }
    return result;
  };
}

/** One value per distinct VersionHints (vendor, kind, scheme), made on first use. */
export class HintsMemo<T> {
  readonly #byVendor = new Map<string, Map<string, Map<string, T>>>();
  readonly #make: () => T;
  constructor(make: () => T) {
    this.#make = make;
  }
  get(hints: VersionHints): T {
    const vendor = hints.vendor ?? '';
    let byKind = this.#byVendor.get(vendor);
    if (byKind === undefined) {
      byKind = new Map();
      this.#byVendor.set(vendor, byKind);
    }
    const kind = hints.kind ?? '';
    let byScheme = byKind.get(kind);
    if (byScheme === undefined) {
      byScheme = new Map();
      byKind.set(kind, byScheme);
    }
    const scheme = hints.scheme ?? '';
    let value = byScheme.get(scheme);
    if (value === undefined) {
      value = this.#make();
      byScheme.set(scheme, value);
    }
    return value;
  }
}

/**
 * The hints a component's versions are compared with: vendor, kind, Redfish VersionScheme. One
 * shared (read-only) object per distinct hints, since every assessed component keeps its own.
 */
export function hintsFor(server: ServerInventory, c: InventoryComponent): VersionHints {
  const scheme = c.versionScheme ?? '';
  const byScheme = sharedHints.get({ vendor: server.vendor, kind: c.kind });
  let hints = byScheme.get(scheme);
  if (hints === undefined) {
    hints = {
      vendor: server.vendor,
      kind: c.kind,
      ...(c.versionScheme === undefined ? {} : { scheme: c.versionScheme }),
    };
    byScheme.set(scheme, hints);
  }
  return hints;
}
const sharedHints = new HintsMemo<Map<string, VersionHints>>(() => new Map());

/** A version for a message: the BMC may report none. */
export const versionText = (v: string): string => (v === '' ? '(no version)' : v);
