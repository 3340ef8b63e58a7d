/**
 * Reading a resource collection whole: follows Members@odata.nextLink, uses $expand when the
 * service announces it (one round trip instead of one per member), fetches members that came
 * back as bare links, de-duplicates by normalized @odata.id and ignores Members@odata.count,
 * which real services get wrong.
 */
import type { z } from 'zod';
import { RedfishResponseError } from '../errors.ts';
import { parse, type RedfishClient } from './client.ts';
import { type Collection, CollectionSchema, normalizeUri } from './models/common.ts';
import type { ServiceRoot } from './models/service-root.ts';

/** A guard against services whose nextLink points back at an earlier page. */
const MAX_PAGES = 1_000;

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
}

/** Reads every member of a collection, validated by `schema`. */
export async function readMembers<S extends z.ZodType>(
  client: RedfishClient,
  collectionUri: string,
  schema: S,
  options: MembersOptions = {},
): Promise<z.infer<S>[]> {
  const query = options.expand === false ? undefined : expandQuery(await client.root());
  const found = new Map<string, Record<string, unknown>>();
  for await (const page of pages(client, query ? withQuery(collectionUri, query) : collectionUri)) {
    for (const member of page.Members) found.set(normalizeUri(member['@odata.id']), member);
  }
  return Promise.all(
    [...found.entries()].map(async ([uri, member]) => {
      // A member with only @odata.id was not expanded: fetch it.
      if (Object.keys(member).some((k) => k !== '@odata.id')) {
        return parse(schema, member, client.transport.urlOf(uri));
      }
      return client.get(member['@odata.id'] as string, schema);
    }),
  );
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
