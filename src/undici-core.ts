/**
 * The two pieces of undici the Redfish client needs (Pool and buildConnector), loaded from their
 * own files instead of undici's index. The index requires all of undici (fetch, WebSocket, mock
 * agents, cache stores, proxies, interceptors): about 110 modules and 30–60 ms of a one-BMC
 * `firmwarden inventory`, where these need about 40 (issue #17, bench/cli-start.ts). They are the
 * same objects the index exports (CommonJS modules are cached by path), so code that imports
 * `undici` elsewhere sees the same classes. test/redfish/undici-core.test.ts checks both.
 */
import { createRequire } from 'node:module';
import type * as Undici from 'undici';

const require = createRequire(import.meta.url);

/**
 * Loads the pieces from undici's own files; undefined when this undici lays its files out
 * differently (an install that resolved a newer undici than the one tested): then the index.
 */
function fromFiles(): { Pool: typeof Undici.Pool; buildConnector: typeof Undici.buildConnector } | undefined {
  try {
    // The index gives every dispatcher its request/stream/pipeline/upgrade/connect methods by
    // copying lib/api onto Dispatcher.prototype; without the index nothing else does, so do the
    // same here (once: the index repeats it harmlessly with the same functions if loaded later).
    const Dispatcher = require('undici/lib/dispatcher/dispatcher.js') as typeof Undici.Dispatcher;
    const api = require('undici/lib/api/index.js') as Record<string, unknown>;
    const Pool = require('undici/lib/dispatcher/pool.js') as typeof Undici.Pool;
    const buildConnector = require('undici/lib/core/connect.js') as typeof Undici.buildConnector;
    if (
      typeof Pool !== 'function' ||
      typeof buildConnector !== 'function' ||
      typeof api['request'] !== 'function'
    )
      return undefined;
    if (!Object.hasOwn(Dispatcher.prototype, 'request')) Object.assign(Dispatcher.prototype, api);
    return { Pool, buildConnector };
  } catch {
    return undefined;
  }
}

const core = fromFiles() ?? (require('undici') as typeof Undici);

/** undici's Pool (the export of `undici`), without loading the rest of undici where it can. */
export const Pool = core.Pool;
export type Pool = Undici.Pool;

/** undici's buildConnector (the export of `undici`), without loading the rest of undici where it can. */
export const buildConnector = core.buildConnector;
export declare namespace buildConnector {
  /** What buildConnector returns: opens one connection for a pool. */
  type connector = Undici.buildConnector.connector;
  /** What buildConnector takes (TLS and socket options). */
  type BuildOptions = Undici.buildConnector.BuildOptions;
}
