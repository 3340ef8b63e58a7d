/**
 * One simulated BMC: owns its resource tree, route table, sessions, fault switches and counters,
 * and an HTTP(S) server on its own loopback port. The vendor profile fills the tree; later
 * features (updates, tasks, volumes) add routes with `route()` and change resources in `tree`.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { BmcContext } from './bmc-context.ts';
import { applyFaults, defaultFaults } from './faults.ts';
import type { BmcBuilder, VendorProfile } from './profiles/profile.ts';
import { profileFor } from './profiles/registry.ts';
import { baseError } from './redfish-errors.ts';
import { handleRequest, type PipelineHost } from './request-pipeline.ts';
import { type Json, ResourceTree } from './resource-tree.ts';
import { createRng, type Rng } from './rng.ts';
import { Router } from './router.ts';
import { registerServiceRoutes } from './service-routes.ts';
import { SessionStore } from './sessions.ts';
import type { SimHandler } from './sim-http.ts';
import type { SimTlsMaterial } from './tls.ts';
import type { SimBmc, SimFaults, SimStats, SimVendor } from './types.ts';

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
}

export interface ListenOptions {
  host: string;
  port: number;
  tls?: SimTlsMaterial;
}

/** iLO writes every @odata.id with a trailing slash (fragment references excepted). */
function trailingSlashSerializer(body: Json): string {
  return JSON.stringify(body, (key, value: unknown) =>
    key === '@odata.id' && typeof value === 'string' && !value.endsWith('/') && !value.includes('#')
      ? `${value}/`
      : value,
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
  };
}

export class SimulatedBmc implements SimBmc, BmcContext, PipelineHost {
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
  url = '';
  certFingerprint256?: string;
  caPem?: string;
  #server: Server | undefined;

  constructor(o: SimulatedBmcOptions) {
    this.name = o.name;
    this.vendor = o.vendor;
    this.username = o.username;
    this.password = o.password;
    this.profile = profileFor(o.vendor);
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
    this.profile.build(this.#builder(o));
    registerServiceRoutes(this);
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

  checkCredentials(username: string, password: string): boolean {
    return username === this.username && password === this.password;
  }

  route(method: string, path: string, handler: SimHandler): void {
    this.router.add(method, path, handler);
  }

  /** Starts serving; resolves once the port is bound. */
  async listen(o: ListenOptions): Promise<void> {
    const listener = (req: Parameters<typeof handleRequest>[1], res: Parameters<typeof handleRequest>[2]) => {
      void handleRequest(this, req, res);
    };
    const server: Server = o.tls
      ? createHttpsServer({ key: o.tls.keyPem, cert: o.tls.certPem }, listener)
      : createHttpServer(listener);
    server.on('clientError', (_err, socket) => socket.destroy());
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
    const { port } = server.address() as AddressInfo;
    const host = o.host.includes(':') ? `[${o.host}]` : o.host;
    this.url = `${o.tls ? 'https' : 'http'}://${host}:${port}`;
    if (o.tls) {
      this.certFingerprint256 = o.tls.fingerprint256;
      this.caPem = o.tls.caPem;
    }
    this.#server = server;
  }

  /** Stops listening and drops every open connection. */
  async close(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
