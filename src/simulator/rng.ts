/**
 * A small seeded pseudo-random generator (mulberry32) so that fleets and fault injection are
 * deterministic for a given seed. Not for secrets: session tokens come from node:crypto.
 */

/** Deterministic random source; `next()` returns a float in [0, 1). */
export interface Rng {
  next(): number;
  /** Integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** `n` lowercase hex digits. */
  hex(n: number): string;
  /** `n` characters of [0-9A-Z]. */
  alnumUpper(n: number): string;
  /** RFC 4122 shaped (version 4 bits set) UUID, lowercase. */
  uuid(): string;
}

/** FNV-1a 32-bit hash: turns names into seeds. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Creates a generator from a numeric seed and optional salt strings (e.g. BMC name, purpose). */
export function createRng(seed: number, ...salt: string[]): Rng {
  let state = (seed >>> 0) ^ hashString(salt.join('\u0000'));
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const chars = (alphabet: string, n: number): string => {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[Math.floor(next() * alphabet.length)];
    return out;
  };
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('rng.pick: empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
    hex: (n) => chars('0123456789abcdef', n),
    alnumUpper: (n) => chars('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', n),
    uuid: () => {
      const h = chars('0123456789abcdef', 32);
      const variant = '89ab'[Math.floor(next() * 4)];
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
  };
}
