/**
 * compareVersionsDetailed with a memo: a fleet repeats the same (installed, catalog) pairs
 * thousands of times. One comparer per plan() call, so the memo never outlives its inputs.
 */
import type { InventoryComponent, ServerInventory } from '../inventory/model.ts';
import { compareVersionsDetailed, type VersionComparison, type VersionHints } from '../versions/index.ts';

export type Compare = (a: string, b: string, hints: VersionHints) => VersionComparison;

/** A memoizing compare function. */
export function memoCompare(): Compare {
  // Nested maps keyed by the strings themselves: inventory strings are reused objects whose hash
  // V8 caches, where a concatenated key would be built and hashed on every call.
  const memo = new Map<string, Map<string, Map<string, VersionComparison>>>();
  return (a, b, hints) => {
    const hintKey = `${hints.vendor ?? ''}|${hints.kind ?? ''}|${hints.scheme ?? ''}`;
    let byA = memo.get(hintKey);
    if (byA === undefined) {
      byA = new Map();
      memo.set(hintKey, byA);
    }
    let byB = byA.get(a);
    if (byB === undefined) {
      byB = new Map();
      byA.set(a, byB);
    }
    let result = byB.get(b);
    if (result === undefined) {
      result = compareVersionsDetailed(a, b, hints);
      byB.set(b, result);
    }
    return result;
  };
}

/** The hints a component's versions are compared with: vendor, kind, Redfish VersionScheme. */
export function hintsFor(server: ServerInventory, c: InventoryComponent): VersionHints {
  return {
    vendor: server.vendor,
    kind: c.kind,
    ...(c.versionScheme === undefined ? {} : { scheme: c.versionScheme }),
  };
}

/** A version for a message: the BMC may report none. */
export const versionText = (v: string): string => (v === '' ? '(no version)' : v);
