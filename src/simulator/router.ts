/**
 * Route table of one simulated BMC: handlers per method and path pattern (`:name` matches one
 * segment, a final `*` the rest). Exact paths are looked up in a Map; patterns are tried in the
 * order they were added. Later features (update actions, tasks, volumes) add their routes here.
 */
import { canonicalPath } from './resource-tree.ts';
import type { SimHandler } from './sim-http.ts';

interface PatternRoute {
  method: string;
  segments: string[];
  handler: SimHandler;
}

export interface RouteMatch {
  handler: SimHandler;
  params: Record<string, string>;
}

function matchSegments(pattern: string[], path: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as string;
    if (p === '*' && i === pattern.length - 1) {
      params['*'] = path.slice(i).join('/');
      return params;
    }
    const s = path[i];
    if (s === undefined) return undefined;
    if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(s);
    else if (p !== s) return undefined;
  }
  return pattern.length === path.length ? params : undefined;
}

export class Router {
  readonly #exact = new Map<string, SimHandler>();
  readonly #patterns: PatternRoute[] = [];
  /** methodsFor answers per path (every successful GET asks, for its Allow header). */
  readonly #allowCache = new Map<string, readonly string[]>();

  /** Registers a handler (trailing slash ignored); a later registration of the same exact method+path replaces the earlier. */
  add(method: string, rawPath: string, handler: SimHandler): void {
    const m = method.toUpperCase();
    const path = canonicalPath(rawPath);
    this.#allowCache.clear();
    if (path.includes(':') || path.endsWith('*')) {
      this.#patterns.push({ method: m, segments: path.split('/'), handler });
    } else {
      this.#exact.set(`${m} ${path}`, handler);
    }
  }

  /** The handler for a method and canonical path, if any. */
  match(method: string, path: string): RouteMatch | undefined {
    const exact = this.#exact.get(`${method} ${path}`);
    if (exact !== undefined) return { handler: exact, params: {} };
    if (this.#patterns.length === 0) return undefined;
    const segments = path.split('/');
    for (const r of this.#patterns) {
      if (r.method !== method) continue;
      const params = matchSegments(r.segments, segments);
      if (params !== undefined) return { handler: r.handler, params };
    }
    return undefined;
  }

  /** Methods that have a handler for this path (for 405 Allow headers). */
  methodsFor(path: string): string[] {
    const hit = this.#allowCache.get(path);
    if (hit !== undefined) return [...hit];
    const out = new Set<string>();
    for (const key of this.#exact.keys()) {
      const space = key.indexOf(' ');
      if (key.slice(space + 1) === path) out.add(key.slice(0, space));
    }
    const segments = path.split('/');
    for (const r of this.#patterns) if (matchSegments(r.segments, segments)) out.add(r.method);
    const methods = [...out];
    if (this.#allowCache.size > 4096) this.#allowCache.clear();
    this.#allowCache.set(path, methods);
    return [...methods];
  }
}
