/**
 * What one server's backup run shares (the `deps` pattern): its Redfish client and image reader,
 * the image store, the catalog's references, the baselines and journal, the image server for
 * SimpleUpdate, timeouts; and what was read from the BMC once per run.
 */
import type { ImageStore } from '../catalog/image-store.ts';
import type { Deps } from '../deps.ts';
import type { UpdateCapabilities } from '../executor/capabilities.ts';
import type { ImageGrantor } from '../executor/update-server.ts';
import type { ResolvedServer } from '../fleet/load.ts';
import type { RedfishClient } from '../redfish/client.ts';
import type { ComponentKind } from '../vocab.ts';
import type { BackupSupport } from './backup-support.ts';
import type { CopyState, Finding, Integrity } from './backup-vocab.ts';
import type { Baseline, BaselineBook } from './baselines.ts';
import type { FirmwareView } from './firmware-view.ts';
import type { ImageDataReader } from './image-data.ts';
import type { Measurement } from './measurements.ts';
import type { FindReference } from './references.ts';
import type { ControllerInfo } from './storage-read.ts';

export interface BackupTimeouts {
  /** One staging or restore task, start to end. */
  taskMs: number;
  /** A BMC coming back after a restored BMC image reset it. */
  bmcRebootMs: number;
  /** A host reset for staged restores: graceful first, then (if allowed) forced, and back. */
  hostResetMs: number;
  pollMs: number;
}

/** Production defaults (BMC tasks are slow; a BMC reboot takes minutes). */
export const BACKUP_DEFAULTS: BackupTimeouts = {
  taskMs: 30 * 60_000,
  bmcRebootMs: 15 * 60_000,
  hostResetMs: 20 * 60_000,
  pollMs: 5_000,
};

export interface BackupEnv {
  client: RedfishClient;
  server: ResolvedServer;
  deps: Deps;
  store: ImageStore;
  findReference: FindReference;
  book: BaselineBook;
  reader: ImageDataReader;
  imageServer?: ImageGrantor & { scheme: 'http' | 'https' };
  timeouts: BackupTimeouts;
  sliceName: string;
}

/** Read from the BMC once per run. */
export interface ServerFacts {
  view: FirmwareView;
  caps: UpdateCapabilities;
  controllers: ControllerInfo[];
  support: BackupSupport;
  measurements: Map<string, Measurement>;
  baselines: Map<string, Baseline>;
}

/** How a restore went. */
export interface RestoreReport {
  /**
   * slice / store: a verified copy of the expected image. fallback: what the BMC keeps itself
   * (iDRAC's Previous- rollback copy), used only when no verified copy exists; it installs the
   * version the component ran before, so the component is healthy but not at the expected version.
   */
  source: 'slice' | 'store' | 'fallback';
  /** With source fallback: the mechanism and the version it restored. */
  fallback?: { mechanism: string; version: string; copy: string };
  /** verified: healthy at the expected version, read back; staged: waits for a host reset. */
  outcome: 'verified' | 'staged' | 'failed' | 'refused';
  detail: string;
  task?: string;
  error?: { code: string; message: string };
}

/** One embedded image of a server: its reference, its copies, what inspection found. */
export interface ComponentBackup {
  component: string;
  kind: ComponentKind;
  uri: string;
  /** Survives updates (references.ts componentKey). */
  key: string;
  /** Version as the BMC reports it now. */
  version: string;
  /** The version the image should be (the installed one, or the last good one when unreadable). */
  expectedVersion?: string;
  reference?: { entryId: string; version: string; digest: string };
  store: { state: CopyState; detail?: string };
  slice?: { state: CopyState; copy?: string; detail?: string };
  findings: Finding[];
  /** ok, corrupt, or not checkable (only Status and Version to go by), and the signals used (set by every inspection; absent in reports older than it). */
  integrity?: Integrity;
  /** Things worth knowing that are not corruption (an image that could not be read back...). */
  notes: string[];
  restore?: RestoreReport;
}
