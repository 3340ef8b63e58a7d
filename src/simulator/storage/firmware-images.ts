/**
 * The bytes of each installed firmware image of a simulated BMC, for ImageDataURI read-back and
 * SPDM measurements. A component that was never updated runs its "factory image": a
 * deterministic image built from vendor, match keys and version, identical on every BMC of the
 * fleet that runs that version (so one catalog entry can vouch for it, see
 * catalog/installed-catalog.ts). An update that installs an image records its bytes instead;
 * an image too large to keep (SIM_DEFAULTS.keepImageBytes) leaves the bytes unknown.
 */
import { buildSimImage, type SimImageHeader } from '../image-format.ts';
import type { SimVendor } from '../types.ts';
import type { SimComponent } from '../update/components.ts';

/** Payload bytes of a factory image (the simulated catalog's default image size too). */
export const FACTORY_PAYLOAD_BYTES = 4096;

/**
 * What an image for this component says it is for: stable SoftwareIds where they exist (Dell
 * ComponentID, DMTF, Supermicro), the kind on OpenBMC (image-hash Ids), member Ids elsewhere
 * (iLO numbers, XCC build ids change with the version). The same rule as the simulated catalog.
 */
export function factoryMatch(vendor: SimVendor, c: SimComponent): SimImageHeader['match'] {
  if ((vendor === 'dell' || vendor === 'generic' || vendor === 'supermicro') && c.softwareId) {
    return { softwareId: c.softwareId };
  }
  if (vendor === 'openbmc') return { kind: c.kind };
  return { id: c.id };
}

/** FNV-1a over a string: a stable 32-bit seed. */
function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h || 1;
}

const factoryCache = new Map<string, Buffer>();

/** The factory image of a component at a version (cached: every BMC of a fleet shares them). */
export function factoryImage(vendor: SimVendor, c: SimComponent, version = c.version): Buffer {
  const match = factoryMatch(vendor, c);
  const key = `${vendor}|${JSON.stringify(match)}|${version}`;
  let image = factoryCache.get(key);
  if (image === undefined) {
    image = buildSimImage({
      vendor,
      match,
      version,
      payloadSize: FACTORY_PAYLOAD_BYTES,
      seed: seedOf(key),
    });
    if (factoryCache.size > 4096) factoryCache.clear();
    factoryCache.set(key, image);
  }
  return image;
}

interface Installed {
  version: string;
  /** Undefined: installed from an image too large to keep. */
  data: Buffer | undefined;
}

/** Installed image bytes per component key (update/components.ts SimComponent.key). */
export class FirmwareImages {
  readonly #vendor: SimVendor;
  readonly #installed = new Map<string, Installed>();

  constructor(vendor: SimVendor) {
    this.#vendor = vendor;
  }

  /** Records what an update flashed onto a component. */
  record(key: string, version: string, data: Buffer | undefined): void {
    this.#installed.set(key, { version, data });
  }

  /** The bytes the component runs now, or undefined when they are not known. */
  bytes(c: SimComponent, version = c.version): Buffer | undefined {
    const recorded = this.#installed.get(c.key);
    if (recorded !== undefined && recorded.version === version) return recorded.data;
    return factoryImage(this.#vendor, c, version);
  }
}

/** A copy of `bytes` with its last byte flipped: what a damaged flash or disk sector gives back. */
export function alteredBytes(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  if (out.length > 0) out[out.length - 1] = (out[out.length - 1] as number) ^ 0xff;
  return out;
}
