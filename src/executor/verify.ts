/**
 * "Success" is only success when the inventory shows it: after an update, the whole firmware
 * inventory is read again and each updated component found anew — by Id, or where the Id embeds
 * the version (Dell Installed-<ComponentID>-<Version>__<FQDD>) by FQDD, else by SoftwareId+name,
 * else as the only active component of its kind and name (OpenBMC image-hash Ids) —
 * and its version compared with the target. A healthy component at the target is verified;
 * the old version after a "successful" task is a failure.
 */
import type { InventoryComponent, ServerInventory } from '../inventory/model.ts';
import { compareVersions } from '../versions/index.ts';
import type { Vendor } from '../vocab.ts';

/** What an updated component should look like. */
export interface Expected {
  id: string;
  uri: string;
  name: string;
  kind: InventoryComponent['kind'];
  softwareId?: string;
  fqdd?: string;
  from: string;
  to: string;
}

export type VerifyState =
  /** At the target version and not Critical/offline. */
  | 'verified'
  /** Still at the old version. */
  | 'unchanged'
  /** At some other version than the target (or its health is bad). */
  | 'mismatch'
  /** The component is no longer in the inventory. */
  | 'missing';

export interface VerifyResult {
  state: VerifyState;
  found?: InventoryComponent;
  detail: string;
}

/** Finds the same physical component in a fresh inventory. */
export function findSameComponent(
  expected: Expected,
  components: InventoryComponent[],
): InventoryComponent | undefined {
  const same = components.filter((c) => c.kind === expected.kind);
  const byName = same.filter((c) => c.name === expected.name);
  return (
    same.find((c) => c.id === expected.id) ??
    (expected.fqdd ? same.find((c) => c.identity.fqdd === expected.fqdd) : undefined) ??
    same.find((c) => c.uri === expected.uri) ??
    (expected.softwareId ? byName.find((c) => c.softwareId === expected.softwareId) : undefined) ??
    // Ids derived from the image (OpenBMC hashes) change with it; the old Id becomes the standby
    // bank. The only active component of this kind and name is the same one.
    (byName.length === 1 ? byName[0] : undefined)
  );
}

/** Judges one component of a fresh inventory against what the update should have done. */
export function verifyComponent(
  expected: Expected,
  inventory: ServerInventory,
  vendor: Vendor,
): VerifyResult {
  const found = findSameComponent(expected, inventory.components);
  if (!found) return { state: 'missing', detail: `${expected.name} is no longer in the firmware inventory` };
  const hints = {
    vendor,
    kind: expected.kind,
    ...(found.versionScheme ? { scheme: found.versionScheme } : {}),
  };
  const atTarget = compareVersions(found.version, expected.to, hints) === 'equal';
  const healthy = found.health !== 'Critical' && found.state !== 'UnavailableOffline';
  if (atTarget && healthy)
    return { state: 'verified', found, detail: `${expected.name} now at ${found.version}` };
  if (atTarget) {
    return {
      state: 'mismatch',
      found,
      detail: `${expected.name} at ${found.version} but ${found.state}/${found.health}`,
    };
  }
  if (compareVersions(found.version, expected.from, hints) === 'equal') {
    return {
      state: 'unchanged',
      found,
      detail: `${expected.name} still at ${found.version} (expected ${expected.to})`,
    };
  }
  return {
    state: 'mismatch',
    found,
    detail: `${expected.name} at ${found.version}, expected ${expected.to}`,
  };
}
