/**
 * The backup commands over a set of servers: `init` carves each server's slice, `status`, `check`
 * and `restore` run backupServer on each. A few servers at a time; one client, one image reader
 * per server, always closed (sessions logged out). Every server gets a report, failed or not.
 */
import type { ImageStore } from '../catalog/image-store.ts';
import type { CatalogEntry } from '../catalog/model.ts';
import type { Deps } from '../deps.ts';
import { describeError, FirmwardenError } from '../errors.ts';
import { discoverUpdateService } from '../executor/capabilities.ts';
import type { ImageGrantor } from '../executor/update-server.ts';
import type { ResolvedServer } from '../fleet/load.ts';
import { RedfishClient } from '../redfish/client.ts';
import { BACKUP_DEFAULTS, type BackupEnv, type BackupTimeouts } from './backup-env.ts';
import {
  type BackupMode,
  type BackupRunOptions,
  backupServer,
  type ServerBackupReport,
} from './backup-server.ts';
import { discoverBackup } from './backup-support.ts';
import type { BackupMechanism } from './backup-vocab.ts';
import { type BackupState, BaselineBook } from './baselines.ts';
import { readFirmwareView } from './firmware-view.ts';
import { ImageDataReader } from './image-data.ts';
import { embedded } from './inspect-component.ts';
import { referenceFinder } from './references.ts';
import { initSlice, type SliceInit } from './slice-init.ts';
import { SLICE_NAME } from './slice-offer.ts';
import { readControllers } from './storage-read.ts';

export interface BackupFleetInput {
  servers: readonly ResolvedServer[];
  /** Catalog entries: the reference digests (check/restore need them; init sizes the slice by them). */
  catalog?: readonly CatalogEntry[];
  store: ImageStore;
  /** The state store's journal: baselines and every backup event. */
  state: BackupState;
  /** Who acts, stamped on journal entries (store-journal.ts processActor). */
  actor: string;
  imageServer?: ImageGrantor & { scheme: 'http' | 'https' };
  timeouts?: Partial<BackupTimeouts>;
  sliceName?: string;
  /** Servers handled at once (default 4). */
  concurrency?: number;
  /** After each server; `ok` is false when it ended in an error. */
  onServer?: (server: string, done: number, total: number, ok: boolean) => void;
}

export interface ServerInitReport {
  server: string;
  init?: SliceInit;
  /** Where there is no slice: what the server falls back to. */
  fallback?: { mechanism: BackupMechanism; detail: string };
  error?: { code: string; message: string };
}

async function each<T extends { error?: unknown }>(
  servers: readonly ResolvedServer[],
  concurrency: number,
  run: (s: ResolvedServer) => Promise<T>,
  onServer?: BackupFleetInput['onServer'],
): Promise<T[]> {
  const out = new Array<T>(servers.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let i = next++; i < servers.length; i = next++) {
      out[i] = await run(servers[i] as ResolvedServer);
      onServer?.((servers[i] as ResolvedServer).name, ++done, servers.length, !out[i]?.error);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, servers.length)) }, worker));
  return out;
}

function errorOf(err: unknown): { code: string; message: string } {
  return {
    code: err instanceof FirmwardenError ? err.code : 'FW_ERR_UNEXPECTED',
    message: describeError(err),
  };
}

/** Carves (or finds) the slice of every server. */
export async function initFleet(input: BackupFleetInput, deps: Deps): Promise<ServerInitReport[]> {
  const find = referenceFinder(input.catalog ?? []);
  const t = { ...BACKUP_DEFAULTS, ...input.timeouts };
  const book = new BaselineBook(input.state, input.actor);
  return each(
    input.servers,
    input.concurrency ?? 4,
    async (server) => {
      const client = new RedfishClient(server.client, deps);
      try {
        const view = await readFirmwareView(client, server, deps.clock);
        const inv = view.inventory;
        const imageBytes = inv.components
          .map((c) => find(inv, c, c.version)?.size ?? 0)
          .reduce((a, b) => a + b, 0);
        const init = await initSlice(client, {
          clock: deps.clock,
          imageBytes,
          name: input.sliceName ?? SLICE_NAME,
          taskTimeoutMs: t.taskMs,
          pollMs: t.pollMs,
        });
        await book.journal(server.name, 'backup.init', { ...init });
        if (init.outcome !== 'unsupported') return { server: server.name, init };
        const [caps, controllers] = await Promise.all([
          discoverUpdateService(client),
          readControllers(client),
        ]);
        const support = await discoverBackup(client, view, caps, controllers, input.sliceName ?? SLICE_NAME);
        return {
          server: server.name,
          init,
          fallback: { mechanism: support.mechanism, detail: support.detail },
        };
      } catch (err) {
        return { server: server.name, error: errorOf(err) };
      } finally {
        await client.close();
      }
    },
    input.onServer,
  );
}

/** Runs status, check or restore on every server. */
export async function backupFleet(
  mode: BackupMode,
  input: BackupFleetInput,
  deps: Deps,
  opts: BackupRunOptions = {},
): Promise<ServerBackupReport[]> {
  const findReference = referenceFinder(input.catalog ?? []);
  const book = new BaselineBook(input.state, input.actor);
  const timeouts = { ...BACKUP_DEFAULTS, ...input.timeouts };
  return each(
    input.servers,
    input.concurrency ?? 4,
    async (server) => {
      const client = new RedfishClient(server.client, deps);
      const reader = new ImageDataReader(client, server.client, deps);
      const env: BackupEnv = {
        client,
        server,
        deps,
        store: input.store,
        findReference,
        book,
        reader,
        ...(input.imageServer ? { imageServer: input.imageServer } : {}),
        timeouts,
        sliceName: input.sliceName ?? SLICE_NAME,
      };
      try {
        return await backupServer(env, mode, opts);
      } finally {
        await reader.close();
        await client.close();
      }
    },
    input.onServer,
  );
}

/** The embedded images of one server the backup covers (for callers sizing or listing them). */
export { embedded };
