/**
 * The sessions of one simulated BMC (SessionService, DSP0266 §13.3): tokens, idle expiry, the
 * vendor's session limit. Each live session is also a member of the Sessions collection in the
 * resource tree, so GET on the collection and on a session need no special handling.
 */
import type { SessionPolicy } from './profiles/profile.ts';
import type { MessageStyle } from './redfish-errors.ts';
import type { ResourceTree } from './resource-tree.ts';

export const SESSIONS_PATH = '/redfish/v1/SessionService/Sessions';

export interface SimSession {
  id: string;
  token: string;
  username: string;
  createdAt: number;
  lastUsed: number;
}

export interface SessionStoreOptions {
  tree: ResourceTree;
  policy: SessionPolicy;
  style: MessageStyle;
  now: () => number;
  /** Current idle expiry in ms (0 = never), read on every check: faults can change it. */
  ttlMs: () => number;
  /** Current session limit, read on every creation. */
  limit: () => number;
}

export class SessionStore {
  readonly #byToken = new Map<string, SimSession>();
  readonly #byId = new Map<string, SimSession>();
  readonly #o: SessionStoreOptions;
  #created = 0;

  constructor(options: SessionStoreOptions) {
    this.#o = options;
  }

  get size(): number {
    this.purgeExpired();
    return this.#byId.size;
  }

  /** Opens a session, or throws the vendor's refusal when the limit is reached. */
  create(username: string): SimSession {
    this.purgeExpired();
    const limit = this.#o.limit();
    if (this.#byId.size >= limit) throw this.#o.policy.refuse(this.#o.style, limit);
    let id = this.#o.policy.newId(++this.#created, username);
    while (this.#byId.has(id)) id = this.#o.policy.newId(++this.#created, username);
    const now = this.#o.now();
    const session: SimSession = {
      id,
      token: this.#o.policy.newToken(),
      username,
      createdAt: now,
      lastUsed: now,
    };
    this.#byToken.set(session.token, session);
    this.#byId.set(id, session);
    this.#o.tree.addMember(SESSIONS_PATH, `${SESSIONS_PATH}/${id}`, {
      '@odata.type': '#Session.v1_3_0.Session',
      Id: id,
      Name: 'User Session',
      Description: 'Manager User Session',
      UserName: username,
      Password: null,
    });
    return session;
  }

  /** The live session of a token (its idle timer restarts), undefined when unknown or expired. */
  byToken(token: string): SimSession | undefined {
    const s = this.#byToken.get(token);
    if (s === undefined) return undefined;
    if (this.#expired(s)) {
      this.#drop(s);
      return undefined;
    }
    s.lastUsed = this.#o.now();
    return s;
  }

  byId(id: string): SimSession | undefined {
    this.purgeExpired();
    return this.#byId.get(id);
  }

  /** Logs a session out; false when it did not exist. */
  delete(id: string): boolean {
    const s = this.#byId.get(id);
    if (s === undefined) return false;
    this.#drop(s);
    return true;
  }

  /** Drops every session whose idle time passed the TTL. */
  purgeExpired(): void {
    if (this.#o.ttlMs() <= 0) return;
    for (const s of this.#byId.values()) if (this.#expired(s)) this.#drop(s);
  }

  /** Invalidates every session now. */
  clear(): void {
    for (const s of [...this.#byId.values()]) this.#drop(s);
  }

  #expired(s: SimSession): boolean {
    const ttl = this.#o.ttlMs();
    return ttl > 0 && this.#o.now() - s.lastUsed >= ttl;
  }

  #drop(s: SimSession): void {
    this.#byToken.delete(s.token);
    this.#byId.delete(s.id);
    this.#o.tree.removeMember(SESSIONS_PATH, `${SESSIONS_PATH}/${s.id}`);
  }
}
