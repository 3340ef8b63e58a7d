/**
 * Reading a resource collection whole: follows Members@odata.nextLink, uses $expand when the
 * service announces it (one round trip instead of one per member), fetches members that came
 * back as bare links, de-duplicates by normalized @odata.id and ignores Members@odata.count,
 * which real services get wrong. A collection past the member cap is refused before any member
 * is read; member reads go at most `maxConcurrency` at a time (fewer for short collections, see
 * {@link MEMBERS_PER_CONNECTION}) and stop at the first failure.
 */
import type { z } from 'zod';
import { FirmwardenError, RedfishResponseError } from '../errors.ts';
import { parse, type RedfishClient } from './client.ts';
import { type Collection, CollectionSchema, normalizeUri } from './models/common.ts';
import type { ServiceRoot } from './models/service-root.ts';

/** A guard against services whose nextLink points back at an earlier page. */
const MAX_PAGES = 1_000;

/**
 * Member reads per connection before another one is worth opening. A new connection costs far
 * more CPU than a request on an open one (a TLS handshake is several milliseconds, both ends),
 * and only saves round trips: a BMC inventory of 3 members reads them on one connection, one of
 * 40 on all `maxConcurrency`.
 */
export const MEMBERS_PER_CONNECTION = 8;

/** The $expand query a service root allows for one level of members, or undefined. */
export function expandQuery(root: ServiceRoot): string | undefined {
  const eq = root.ProtocolFeaturesSupported?.ExpandQuery;
  if (!eq) return undefined;
  // "." expands subordinate resources (Members) without Links; "*" expands everything.
  const symbol = eq.NoLinks ? '.' : eq.ExpandAll ? '*' : undefined;
  if (!symbol) return undefined;
  return `$expand=${symbol}${eq.Levels ? '($levels=1)' : ''}`;
}

function withQuery(uri: string, query: string): string {
  return uri + (uri.includes('?') ? '&' : '?') + query;
}

export interface MembersOptions {
  /** Use $expand when the service supports it (default true). */
  expand?: boolean;
  /** Most members accepted; more is an error (default: the client's maxCollectionMembers). */
  maxMembers?: number;
}

/** Reads every member of a collection, validated by `schema`. */
export async function readMembers<S extends z.ZodType>(
  client: RedfishClient,
  collectionUri: string,
  schema: S,
  options: MembersOptions = {},
): Promise<z.infer<S>[]> {
  const cap = options.maxMembers ?? client.maxCollectionMembers;
  const query = options.expand === false ? undefined : expandQuery(await client.root());
  const found = new Map<string, Record<string, unknown>>();
  for await (const page of pages(client, query ? withQuery(collectionUri, query) : collectionUri)) {
    for (const member of page.Members) found.set(normalizeUri(member['@odata.id']), member);
    // Checked per page: a service paging through 200,000 members is stopped at the first page past the cap.
    if (found.size > cap) {
      throw new FirmwardenError(
        'FW_ERR_COLLECTION_TOO_LARGE',
        `"${client.transport.urlOf(collectionUri)}": ${found.size}${page['Members@odata.nextLink'] ? '+' : ''} members, more than the ${cap} allowed (maxCollectionMembers)`,
      );
    }
  }
  const members = [...found.entries()];
  const out: z.infer<S>[] = new Array(members.length);
  // The pool would queue every member read at once and keep sending them after a failure; a few
  // workers (as many as the BMC's sockets) pick the next member only while nothing has failed.
  const stop = new AbortController();
  let next = 0;
  const worker = async () => {
    while (next < members.length && !stop.signal.aborted) {
      const i = next++;
      const [uri, member] = members[i] as [string, Record<string, unknown>];
      // A member with only @odata.id was not expanded: fetch it.
      out[i] = isExpanded(member)
        ? parse(schema, member, () => client.transport.urlOf(uri))
        : await client.get(member['@odata.id'] as string, schema, { signal: stop.signal });
    }
  };
  const toFetch = members.reduce((n, [, m]) => (isExpanded(m) ? n : n + 1), 0);
  const width = Math.max(
    1,
    Math.min(client.transport.options.maxConcurrency, Math.ceil(toFetch / MEMBERS_PER_CONNECTION)),
  );
  await Promise.all(
    Array.from({ length: width }, () =>
      worker().catch((err: unknown) => {
        // The first failure is the one reported; reads in flight are abandoned.
        stop.abort();
        throw err;
      }),
    ),
  );
  return out;
}

/** Whether a member carries more than its @odata.id (came $expand'ed). */
function isExpanded(member: Record<string, unknown>): boolean {
  for (const k in member) if (k !== '@odata.id') return true;
  return false;
}

/** Yields each page of a collection, following Members@odata.nextLink. */
async function* pages(client: RedfishClient, first: string): AsyncGenerator<Collection> {
  const seen = new Set<string>();
  let next: string | undefined = first;
  while (next) {
    if (seen.has(next) || seen.size >= MAX_PAGES) {
      throw new RedfishResponseError(
        client.transport.urlOf(next),
        'Members@odata.nextLink loops or never ends',
      );
    }
    seen.add(next);
    const page: Collection = await client.get(next, CollectionSchema);
    yield page;
    next = page['Members@odata.nextLink'];
  }
}
