/**
 * One simulated BMC: owns its resource tree, route table, sessions, fault switches and counters,
 * and an HTTP(S) server on its own loopback port. The vendor profile fills the tree; the update,
 * task and power modules add their routes with `route()` and change resources in `tree`. A BMC
 * reboot closes the listener and every open socket, then listens again on the same port.
 */

import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { applyFaults, defaultFaults } from './faults.ts';
import { AvailabilityTracker } from './power/availability.ts';
import { HostPower } from './power/host-power.ts';
import { stampLastReset } from './profiles/last-reset.ts';
import type { BmcBuilder, VendorProfile } from './profiles/profile.ts';
import { profileFor } from './profiles/registry.ts';
import { answerClientError } from './protocol-rules.ts';
import { baseError, type SimHttpError } from './redfish-errors.ts';
import { handleRequest, type PipelineHost } from './request-pipeline.ts';
import { type Json, ResourceTree } from './resource-tree.ts';
import { createRng, type Rng } from './rng.ts';
import { Router } from './router.ts';
import { Scheduler } from './scheduler.ts';
import { registerServiceRoutes } from './service-routes.ts';
import { SessionStore } from './sessions.ts';
import type { SimHost } from './sim-host.ts';
import type { SimHandler } from './sim-http.ts';
import { SimStorage } from './storage/sim-storage.ts';
import { TaskService } from './tasks/task-service.ts';
import { resolveTiming, type SimTimingOption } from './timing.ts';
import type { SimTlsMaterial } from './tls.ts';
import type {
  SimBmc,
  SimCorruption,
  SimCorruptionKind,
  SimFaults,
  SimImageFetchOptions,
  SimStats,
  SimStorageFaults,
  SimTiming,
  SimUpdateFaults,
  SimUpdateRecord,
  SimVendor,
} from './types.ts';
import { registerActiveImageSwitch, switchActiveImageOnReboot } from './update/active-image.ts';
import { ImageFetcher } from './update/image-fetch.ts';
import { StagedImages } from './update/staged-images.ts';
import { UpdateEngine } from './update/update-engine.ts';
import { applyUpdateFaults, defaultUpdateFaults } from './update/update-faults.ts';
import { registerUpdateRoutes } from './update/update-routes.ts';

export interface SimulatedBmcOptions {
  vendor: SimVendor;
  name: string;
  username: string;
  password: string;
  /** Fleet seed: data variations and fault RNG derive from it and the BMC name. */
  seed: number;
  /** Position in the fleet (0: the reference data). */
  index: number;
  latencyMs?: number;
  timing?: SimTimingOption;
  imageFetch?: SimImageFetchOptions;
  /** Firmware generation of the vendor profile (default: its reference generation). */
  generation?: string;
}

export interface ListenOptions {
  host: string;
  port: number;
  tls?: SimTlsMaterial;
}

/** A resource path with iLO's trailing slash; a fragment reference gets it before the `#`. */
function slashed(id: string): string {
  const hash = id.indexOf('#');
  if (hash < 0) return id.endsWith('/') ? id : `${id}/`;
  const base = id.slice(0, hash);
  return base.endsWith('/') ? id : `${base}/${id.slice(hash)}`;
}

/**
 * iLO writes every @odata.id with a trailing slash, fragment references too (iLO 5 Power:
 * "/redfish/v1/Chassis/1/Power/#PowerControl/0" in public HPE samples), so a JSON pointer stays
 * relative to the resource's own @odata.id.
 */
function trailingSlashSerializer(body: Json): string {
  return JSON.stringify(body, (key, value: unknown) =>
    key === '@odata.id' && typeof value === 'string' ? slashed(value) : value,
  );
}

function emptyStats(): SimStats {
  return {
    openSessions: 0,
    sessionsCreated: 0,
    sessionsDeleted: 0,
    requests: 0,
    inFlight: 0,
    maxInFlight: 0,
    byRoute: {},
    authFailures: 0,
    imageFetches: [],
    imageUploads: [],
    imageBytesVerified: 0,
  };
}

export class SimulatedBmc implements SimBmc, SimHost, PipelineHost {
  readonly name: string;
  readonly vendor: SimVendor;
  readonly username: string;
  readonly password: string;
  readonly profile: VendorProfile;
  readonly tree: ResourceTree;
  readonly router = new Router();
  readonly sessions: SessionStore;
  readonly faultRng: Rng;
  readonly counters: SimStats = emptyStats();
  faults: SimFaults;
  updateFaults: SimUpdateFaults = defaultUpdateFaults();
  readonly timing: SimTiming;
  readonly scheduler = new Scheduler();
  readonly history: SimUpdateRecord[] = [];
  readonly imageFetch: SimImageFetchOptions;
  readonly idRng: Rng;
  readonly availabilityTracker = new AvailabilityTracker();
  readonly tasks: TaskService;
  readonly power: HostPower;
  readonly updates: UpdateEngine;
  readonly storage: SimStorage;
  readonly #fetcher: ImageFetcher;
  url = '';
  certFingerprint256?: string;
  caPem?: string;
  #server: Server | undefined;
  #listen: (ListenOptions & { port: number }) | undefined;
  #rebooting = false;
  #closed = false;
  #warmUntil = 0;

  constructor(o: SimulatedBmcOptions) {
    this.name = o.name;
    this.vendor = o.vendor;
    this.username = o.username;
    this.password = o.password;
    this.profile = profileFor(o.vendor, o.generation);
    this.tree = new ResourceTree(this.profile.trailingSlash ? trailingSlashSerializer : undefined);
    this.faults = defaultFaults(this.profile.sessions.timeoutSeconds, o.latencyMs ?? 0);
    this.faultRng = createRng(o.seed, o.name, 'faults');
    this.sessions = new SessionStore({
      tree: this.tree,
      policy: this.profile.sessions,
      style: this.profile.messages,
      now: () => Date.now(),
      ttlMs: () => this.faults.sessionTtlMs,
      limit: () => this.faults.maxSessions ?? this.profile.sessions.limit,
    });
    this.timing = resolveTiming(o.timing);
    this.imageFetch = { ...o.imageFetch };
    this.idRng = createRng(o.seed, o.name, 'ids');
    this.tasks = new TaskService(this);
    this.power = new HostPower(this);
    this.updates = new UpdateEngine(this);
    this.storage = new SimStorage(this);
    this.#fetcher = new ImageFetcher(this.imageFetch, this.scheduler.signal);
    this.profile.build(this.#builder(o));
    registerServiceRoutes(this);
    this.tasks.register();
    registerUpdateRoutes(this, this.#fetcher, new StagedImages());
    this.power.register();
    this.storage.register();
    registerActiveImageSwitch(this);
    this.profile.register?.(this);
  }

  #builder(o: SimulatedBmcOptions): BmcBuilder {
    const rng = createRng(o.seed, o.name, o.vendor, 'data');
    return {
      name: o.name,
      vendor: o.vendor,
      index: o.index,
      tree: this.tree,
      rng,
      messages: this.profile.messages,
      // The first BMC of a fleet (and a single BMC) carries the reference data; the others vary.
      variant: <T>(pool: readonly T[]): T =>
        o.index === 0 || rng.next() < 0.5 ? (pool[0] as T) : rng.pick(pool),
      route: (method, path, handler) => this.route(method, path, handler),
      notImplemented: (path, action) =>
        this.route('POST', path, () => {
          throw baseError(this.profile.messages, 'ActionNotSupported', [action]);
        }),
    };
  }

  get stats(): SimStats {
    this.counters.openSessions = this.sessions.size;
    return this.counters;
  }

  setFaults(p: Partial<SimFaults>): void {
    applyFaults(this.faults, p);
  }

  resetStats(): void {
    const inFlight = this.counters.inFlight;
    Object.assign(this.counters, emptyStats(), { inFlight, maxInFlight: inFlight, byRoute: {} });
  }

  expireSessions(): void {
    this.sessions.clear();
  }

  setUpdateFaults(p: Partial<SimUpdateFaults>): void {
    applyUpdateFaults(this.updateFaults, p);
  }

  get storageFaults(): SimStorageFaults {
    return this.storage.faults;
  }

  setStorageFaults(p: Partial<SimStorageFaults>): void {
    this.storage.setFaults(p);
  }

  corrupt(component: string, kind: SimCorruptionKind): void {
    this.storage.corrupt(component, kind);
  }

  get corruptions(): readonly SimCorruption[] {
    return this.storage.corruptions;
  }

  get updateHistory(): readonly SimUpdateRecord[] {
    return this.history;
  }

  get availability(): AvailabilityTracker {
    return this.availabilityTracker;
  }

  get powerState(): string {
    return this.power.state;
  }

  get rebooting(): boolean {
    return this.#rebooting;
  }

  location(path: string): string {
    // iLO 5 (2.30+) and iLO 6 answer an absolute Location with a trailing slash (HPE blog "HPE
    // firmware updates: Part 3", figure 24: "Location: https://ilo-hst360g10/redfish/v1/TaskService/
    // TaskMonitors/9/"); the others a relative path.
    return this.profile.trailingSlash ? `${this.url}${path}/` : path;
  }

  /**
   * Reboots the BMC: the port refuses connections and open sockets are destroyed for
   * timing.bmcRebootMs; sessions (and in-memory tasks) are gone; BMC images waiting for the
   * reboot become the running firmware; then it listens again on the same port.
   */
  rebootBmc(): void {
    if (this.#rebooting || this.#closed || this.#server === undefined) return;
    this.#rebooting = true;
    this.availabilityTracker.set('bmc-reboot', true);
    const down = this.#stopListening();
    this.sessions.clear();
    this.tasks.onBmcReboot();
    this.scheduler.run(async () => {
      await down;
      await this.scheduler.sleep(this.timing.bmcRebootMs);
      switchActiveImageOnReboot(this);
      this.updates.activateOnBmcReboot();
      const managers = `/redfish/v1/Managers`;
      for (const m of this.tree.has(managers) ? this.tree.members(managers) : [])
        this.tree.update(m, stampLastReset);
      if (this.profile.updates.warmup) this.#warmUntil = Date.now() + this.timing.bmcWarmupMs;
      await this.#startListening();
      this.#rebooting = false;
      this.availabilityTracker.set('bmc-reboot', false);
    });
  }

  /**
   * iDRAC answers 503 while its web server is up but Redfish is not, then 500 for a while; Dell's
   * scripts wait out both, and the 401 of the sessions the reboot dropped, for minutes
   * (iDRAC-Redfish-Scripting DeviceFirmwareMultipartUploadREDFISH.py job loop, iDRAC 9).
   */
  startingUp(): SimHttpError | undefined {
    const left = this.#warmUntil - Date.now();
    if (left <= 0) return undefined;
    const style = this.profile.messages;
    // No Retry-After: Dell's scripts pick their own pause (a minute).
    if (left > this.timing.bmcWarmupMs / 2) return baseError(style, 'ServiceTemporarilyUnavailable', ['60']);
    return baseError(style, 'InternalError');
  }

  checkCredentials(username: string, password: string): boolean {
    return username === this.username && password === this.password;
  }

  route(method: string, path: string, handler: SimHandler): void {
    this.router.add(method, path, handler);
  }

  /** Starts serving; resolves once the port is bound. */
  async listen(o: ListenOptions): Promise<void> {
    this.#listen = { ...o };
    await this.#startListening();
    const { port } = (this.#server as Server).address() as AddressInfo;
    this.#listen.port = port;
    const host = o.host.includes(':') ? `[${o.host}]` : o.host;
    this.url = `${o.tls ? 'https' : 'http'}://${host}:${port}`;
    if (o.tls) {
      this.certFingerprint256 = o.tls.fingerprint256;
      this.caPem = o.tls.caPem;
    }
  }

  async #startListening(): Promise<void> {
    const o = this.#listen;
    if (o === undefined || this.#closed) return;
    const listener = (req: Parameters<typeof handleRequest>[1], res: Parameters<typeof handleRequest>[2]) => {
      void handleRequest(this, req, res);
    };
    const server: Server = o.tls
      ? createHttpsServer({ key: o.tls.keyPem, cert: o.tls.certPem }, listener)
      : createHttpServer(listener);
    server.on('clientError', (err, socket) =>
      answerClientError(this.profile.messages, err, socket as Socket),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // After binding, a server error (e.g. EMFILE on accept under a huge sweep) must not take the
    // whole fleet's process down; the affected client sees a failed connection instead.
    server.on('error', () => {});
    this.#server = server;
  }

  /** Stops accepting connections and destroys the open ones. */
  #stopListening(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return Promise.resolve();
    this.#server = undefined;
    return new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Stops listening, drops every open connection and cancels all background work. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.scheduler.close();
    await Promise.all([this.#stopListening(), this.#fetcher.close()]);
  }
}
