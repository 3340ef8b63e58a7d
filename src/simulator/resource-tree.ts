/**
 * The resources of one simulated BMC, keyed by their canonical path (no trailing slash). Plain
 * resources hold a JSON body; collections hold a head (odata.id, type, Name, ...) and an ordered
 * list of member paths, rendered into Members / Members@odata.count on demand. Rendered JSON and
 * its ETag are cached per resource and dropped whenever the resource or its membership changes,
 * so a sweep of unchanged resources costs one Map lookup per request.
 */
import { hash } from 'node:crypto';

export type Json = Record<string, unknown>;

/** `v` as a JSON object, or undefined for anything else (arrays, null, scalars). */
export function obj(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

/** Per-collection behaviour a vendor profile may ask for. */
export interface CollectionOptions {
  /** Serve at most this many members per response, with Members@odata.nextLink (?$skip=). */
  pageSize?: number;
  /** Added to Members@odata.count: services that report a count disagreeing with Members. */
  countSkew?: number;
}

interface ResourceNode {
  kind: 'resource';
  body: Json;
}

interface CollectionNode {
  kind: 'collection';
  head: Json;
  members: string[];
  options: CollectionOptions;
}

type Node = ResourceNode | CollectionNode;

/** A resource serialized for the wire. */
export interface Rendered {
  /** The JSON text including "@odata.etag". */
  json: string;
  /** The ETag header value (weak), the same as the body's "@odata.etag". */
  etag: string;
}

/** Serializes a body the way the vendor writes it (e.g. HPE's trailing slashes). */
export type Serializer = (body: Json) => string;

/** Removes one trailing slash, keeps "/" itself. */
export function canonicalPath(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** Computes a weak ETag over a JSON text. */
export function etagOf(json: string): string {
  return `W/"${hash('md5', json, 'hex').slice(0, 16)}"`;
}

/** Adds "@odata.etag" as the last property of a serialized JSON object. */
export function withEtag(json: string, etag: string): string {
  if (json.length <= 2 || !json.endsWith('}')) return json;
  return `${json.slice(0, -1)},"@odata.etag":${JSON.stringify(etag)}}`;
}

export class ResourceTree {
  readonly #nodes = new Map<string, Node>();
  readonly #cache = new Map<string, Rendered>();
  readonly #serialize: Serializer;

  constructor(serialize: Serializer = (b) => JSON.stringify(b)) {
    this.#serialize = serialize;
  }

  /** Stores (or replaces) a plain resource; "@odata.id" is set to the path when absent. */
  put(path: string, body: Json): void {
    const p = canonicalPath(path);
    const full = '@odata.id' in body ? body : { '@odata.id': p, ...body };
    this.#nodes.set(p, { kind: 'resource', body: full });
    this.#cache.delete(p);
  }

  /** Creates an empty collection; `head` carries "@odata.type", Name, Description, ... */
  collection(path: string, head: Json, options: CollectionOptions = {}): void {
    const p = canonicalPath(path);
    const full = '@odata.id' in head ? head : { '@odata.id': p, ...head };
    this.#nodes.set(p, { kind: 'collection', head: full, members: [], options });
    this.#cache.delete(p);
  }

  /** Appends a member to a collection, storing its body too when given. */
  addMember(collectionPath: string, memberPath: string, body?: Json): void {
    const coll = this.#collectionNode(collectionPath);
    const m = canonicalPath(memberPath);
    if (body !== undefined) this.put(m, body);
    if (!coll.members.includes(m)) coll.members.push(m);
    this.#cache.delete(canonicalPath(collectionPath));
  }

  /** Removes a member from a collection and (by default) the member resource itself. */
  removeMember(collectionPath: string, memberPath: string, deleteResource = true): boolean {
    const coll = this.#collectionNode(collectionPath);
    const m = canonicalPath(memberPath);
    const i = coll.members.indexOf(m);
    if (i >= 0) coll.members.splice(i, 1);
    this.#cache.delete(canonicalPath(collectionPath));
    if (deleteResource) this.remove(m);
    return i >= 0;
  }

  /**
   * Puts `body` at `newPath` in the place `oldPath` held in the collection (an update that changes
   * a member's Id keeps its position); the old resource is deleted when the paths differ.
   */
  replaceMember(collectionPath: string, oldPath: string, newPath: string, body: Json): void {
    const coll = this.#collectionNode(collectionPath);
    const o = canonicalPath(oldPath);
    const n = canonicalPath(newPath);
    if (o !== n) {
      this.remove(o);
      const dup = coll.members.indexOf(n);
      if (dup >= 0) coll.members.splice(dup, 1);
    }
    this.put(n, body);
    const at = coll.members.indexOf(o);
    if (at >= 0) coll.members[at] = n;
    else if (!coll.members.includes(n)) coll.members.push(n);
    this.#cache.delete(canonicalPath(collectionPath));
  }

  /** Deletes a resource or collection (not its membership elsewhere: use removeMember). */
  remove(path: string): boolean {
    const p = canonicalPath(path);
    this.#cache.delete(p);
    return this.#nodes.delete(p);
  }

  has(path: string): boolean {
    return this.#nodes.has(canonicalPath(path));
  }

  isCollection(path: string): boolean {
    return this.#nodes.get(canonicalPath(path))?.kind === 'collection';
  }

  /** The "@odata.type" of a resource or collection head, if it has one. */
  typeOf(path: string): string | undefined {
    const n = this.#nodes.get(canonicalPath(path));
    const t =
      n === undefined ? undefined : n.kind === 'resource' ? n.body['@odata.type'] : n.head['@odata.type'];
    return typeof t === 'string' ? t : undefined;
  }

  /** The live body of a plain resource (after changing it, call `touch`). */
  get(path: string): Json | undefined {
    const n = this.#nodes.get(canonicalPath(path));
    return n?.kind === 'resource' ? n.body : undefined;
  }

  /** Applies a change to a plain resource's body and drops its cached rendering. */
  update(path: string, change: (body: Json) => void): void {
    const body = this.get(path);
    if (body === undefined) throw new Error(`no resource at ${path}`);
    change(body);
    this.touch(path);
  }

  /** Drops the cached rendering after the body was changed in place. */
  touch(path: string): void {
    this.#cache.delete(canonicalPath(path));
  }

  /** A collection's head, member paths and options. */
  collectionParts(path: string): { head: Json; members: readonly string[]; options: CollectionOptions } {
    const n = this.#collectionNode(path);
    return { head: n.head, members: n.members, options: n.options };
  }

  members(path: string): readonly string[] {
    return this.#collectionNode(path).members;
  }

  /** The plain JSON object of any resource (collections with all members as links). */
  plain(path: string): Json | undefined {
    const n = this.#nodes.get(canonicalPath(path));
    if (n === undefined) return undefined;
    if (n.kind === 'resource') return n.body;
    const count = n.members.length + (n.options.countSkew ?? 0);
    return {
      ...n.head,
      'Members@odata.count': count,
      Members: n.members.map((m) => ({ '@odata.id': m })),
    };
  }

  /** The cached wire form of a resource (JSON with "@odata.etag", and the ETag header). */
  render(path: string): Rendered | undefined {
    const p = canonicalPath(path);
    const hit = this.#cache.get(p);
    if (hit !== undefined) return hit;
    const body = this.plain(p);
    if (body === undefined) return undefined;
    const rendered = this.serializeWithEtag(body);
    this.#cache.set(p, rendered);
    return rendered;
  }

  /** Serializes any body the vendor's way and adds its ETag (for uncached, query-shaped answers). */
  serializeWithEtag(body: Json): Rendered {
    const bare = this.#serialize(body);
    const etag = etagOf(bare);
    return { json: withEtag(bare, etag), etag };
  }

  /** Serializes a body the vendor's way, without ETag. */
  serialize(body: Json): string {
    return this.#serialize(body);
  }

  /** All stored paths (diagnostics, tests). */
  paths(): string[] {
    return [...this.#nodes.keys()];
  }

  #collectionNode(path: string): CollectionNode {
    const n = this.#nodes.get(canonicalPath(path));
    if (n?.kind !== 'collection') throw new Error(`no collection at ${path}`);
    return n;
  }
}
