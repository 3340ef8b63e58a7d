/**
 * Corruption injected into installed firmware components of a simulated BMC, and its repair.
 * Status and Version corruptions change the inventory member itself (what a BMC shows when its
 * own check of the flash fails); image-digest and measurement corruptions change what is read
 * back (ImageDataURI bytes, SPDM measurements). The member's original Status and Version are
 * kept so that flashing a good image restores them.
 */
import type { Json } from '../resource-tree.ts';
import type { SimHost } from '../sim-host.ts';
import type { SimCorruption, SimCorruptionKind } from '../types.ts';
import { activeComponents, componentByKey, type SimComponent } from '../update/components.ts';

/** What erased or unreadable flash reads as: 0xFF bytes and a NUL. */
export const GARBLED_VERSION = '\u00ff\u00ff\u00ff\u00ff\u0000';

interface Damage {
  id: string;
  kinds: Set<SimCorruptionKind>;
  version: string;
  status: Json | undefined;
}

function setVersion(body: Json, version: string): void {
  body['Version'] = version;
  const inv = ((body['Oem'] as Json | undefined)?.['Dell'] as Json | undefined)?.['DellSoftwareInventory'] as
    | Json
    | undefined;
  if (inv !== undefined) inv['VersionString'] = version;
}

export class Corruptions {
  readonly #host: SimHost;
  readonly #byKey = new Map<string, Damage>();

  constructor(host: SimHost) {
    this.#host = host;
  }

  /** The running component a caller names: a kind ("bios") or a member Id. */
  find(component: string): SimComponent {
    const all = activeComponents(this.#host);
    const c = all.find((x) => x.id === component) ?? all.find((x) => x.kind === component);
    if (c === undefined) {
      const known = all.map((x) => `${x.id} (${x.kind})`).join(', ');
      throw new Error(`${this.#host.name}: no running component "${component}"; there are ${known}`);
    }
    return c;
  }

  /** Injects one kind of corruption into a component. */
  corrupt(c: SimComponent, kind: SimCorruptionKind): void {
    const member = this.#host.tree.get(c.path) as Json;
    let damage = this.#byKey.get(c.key);
    if (damage === undefined) {
      const status = member['Status'];
      damage = {
        id: c.id,
        kinds: new Set(),
        version: c.version,
        status: status === undefined ? undefined : structuredClone(status as Json),
      };
      this.#byKey.set(c.key, damage);
    }
    damage.kinds.add(kind);
    this.#host.tree.update(c.path, (b) => {
      const status = { ...(b['Status'] as Json | undefined) };
      if (kind === 'health-critical') b['Status'] = { ...status, Health: 'Critical' };
      if (kind === 'offline') b['Status'] = { ...status, State: 'UnavailableOffline' };
      if (kind === 'version-garbled') setVersion(b, GARBLED_VERSION);
      if (kind === 'version-empty') setVersion(b, '');
    });
  }

  has(key: string, kind: SimCorruptionKind): boolean {
    return this.#byKey.get(key)?.kinds.has(kind) ?? false;
  }

  /** The version the component ran before its Version was garbled (else undefined). */
  originalVersion(key: string): string | undefined {
    return this.#byKey.get(key)?.version;
  }

  /** Puts Status and Version back as they were: a good image is being flashed. */
  heal(key: string): void {
    const damage = this.#byKey.get(key);
    if (damage === undefined) return;
    this.#byKey.delete(key);
    const c = componentByKey(this.#host, key);
    if (c === undefined) return;
    this.#host.tree.update(c.path, (b) => {
      if (damage.status === undefined) delete b['Status'];
      else b['Status'] = damage.status;
      if (damage.kinds.has('version-garbled') || damage.kinds.has('version-empty')) {
        setVersion(b, damage.version);
      }
    });
  }

  list(): SimCorruption[] {
    return [...this.#byKey.values()].map((d) => ({ component: d.id, kinds: [...d.kinds] }));
  }
}
