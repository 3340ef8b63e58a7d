/**
 * OData query options on collections (DSP0266 §7.3 "Query parameters"): $skip/$top client paging,
 * server-side paging with Members@odata.nextLink, and $expand of Members. Only what a firmware
 * manager sends is honoured; $select/$filter are ignored, as many BMCs do.
 */
import type { Json, Rendered, ResourceTree } from './resource-tree.ts';

/** What a service announces in ServiceRoot.ProtocolFeaturesSupported.ExpandQuery. */
export interface ExpandSupport {
  /** `*`: expand all hyperlinks, subordinate and Links. */
  expandAll: boolean;
  /** `.`: expand subordinate hyperlinks (Members), not Links. */
  noLinks: boolean;
  /** `~`: expand hyperlinks found in Links only. */
  links: boolean;
  /** Whether $levels is accepted, and its maximum. */
  levels: boolean;
  maxLevels: number;
}

export interface ParsedExpand {
  kind: '*' | '.' | '~';
  levels: number;
}

/** Parses `*`, `.`, `~` with an optional `($levels=n)`; undefined when absent or unparsable. */
export function parseExpand(value: string | null): ParsedExpand | undefined {
  if (value === null) return undefined;
  const m = /^([*.~])(?:\(\$levels=(\d+)\))?$/.exec(value.trim());
  if (m === null) return undefined;
  return { kind: m[1] as ParsedExpand['kind'], levels: m[2] === undefined ? 1 : Number(m[2]) };
}

/** Whether a request's $expand inlines a collection's Members on this service. */
export function expandsMembers(
  expand: ParsedExpand | undefined,
  support: ExpandSupport | undefined,
): boolean {
  if (expand === undefined || support === undefined || expand.levels < 1) return false;
  if (expand.kind === '*') return support.expandAll;
  if (expand.kind === '.') return support.noLinks;
  return false; // `~` expands Links only; Members are subordinate references
}

/** True when a collection GET needs the query-aware (uncached) rendering. */
export function needsQueryRendering(query: URLSearchParams, pageSize: number | undefined): boolean {
  return pageSize !== undefined || query.has('$expand') || query.has('$skip') || query.has('$top');
}

function nonNegativeInt(value: string | null): number | undefined {
  if (value === null) return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** Renders one page of a collection for a request's $skip/$top/$expand. */
export function renderCollection(
  tree: ResourceTree,
  path: string,
  query: URLSearchParams,
  support: ExpandSupport | undefined,
): Rendered {
  const { head, members, options } = tree.collectionParts(path);
  const total = members.length;
  const skip = Math.min(nonNegativeInt(query.get('$skip')) ?? 0, total);
  const top = nonNegativeInt(query.get('$top'));
  const end = top === undefined ? total : Math.min(total, skip + top);
  const pageEnd = options.pageSize === undefined ? end : Math.min(end, skip + options.pageSize);
  const page = members.slice(skip, pageEnd);

  const expand = expandsMembers(parseExpand(query.get('$expand')), support);
  const Members = page.map((m): Json => {
    if (!expand) return { '@odata.id': m };
    const rendered = tree.render(m);
    const body = tree.plain(m);
    return body === undefined || rendered === undefined
      ? { '@odata.id': m }
      : { ...body, '@odata.etag': rendered.etag };
  });

  const body: Json = { ...head, 'Members@odata.count': total + (options.countSkew ?? 0), Members };
  if (pageEnd < end) {
    const params = [`$skip=${pageEnd}`];
    if (top !== undefined) params.push(`$top=${end - pageEnd}`);
    const rawExpand = query.get('$expand');
    if (rawExpand !== null) params.push(`$expand=${rawExpand}`);
    body['Members@odata.nextLink'] = `${path}?${params.join('&')}`;
  }
  return tree.serializeWithEtag(body);
}
