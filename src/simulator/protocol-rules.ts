/**
 * The HTTP rules of DSP0266 that every simulated BMC follows whatever its vendor, as DMTF's
 * Redfish Protocol Validator checks them: OData-Version 4.0 only (412 otherwise), 501 for `$`
 * query parameters the service does not know, 400 for a value on `only` / `excerpt`, 501 for an
 * HTTP method the parser does not know, and the Allow, Link (rel=describedby) and Cache-Control
 * headers of a successful GET or HEAD.
 */
import type { Socket } from 'node:net';
import { baseError, baseMessage, errorBody, type MessageStyle, type SimHttpError } from './redfish-errors.ts';
import type { ResourceTree } from './resource-tree.ts';

/**
 * `$` parameters the simulator takes: $expand/$skip/$top are honoured (odata-query.ts); $select
 * and $filter are accepted and ignored, as many BMCs that announce SelectQuery/FilterQuery false
 * still do. Any other `$` parameter is refused (DSP0266 "Query parameters": 501).
 */
const KNOWN_DOLLAR_PARAMS: ReadonlySet<string> = new Set(['$expand', '$skip', '$top', '$select', '$filter']);

/** Query parameters that take no value (DSP0266: `only`, `excerpt`). */
const VALUELESS = ['only', 'excerpt'] as const;

/** A 412 when the request names an OData version other than 4.0 (DSP0266 "Request headers"). */
export function checkODataVersion(style: MessageStyle, header: string | string[] | undefined): void {
  if (header === undefined) return;
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value.trim() !== '4.0') throw baseError(style, 'PreconditionFailed', [], 412);
}

/** Which of `only` / `excerpt` the service announces in ProtocolFeaturesSupported. */
function announced(tree: ResourceTree, param: (typeof VALUELESS)[number]): boolean {
  const features = tree.get('/redfish/v1')?.['ProtocolFeaturesSupported'] as
    | Record<string, unknown>
    | undefined;
  return features?.[param === 'only' ? 'OnlyMemberQuery' : 'ExcerptQuery'] === true;
}

/** Refuses the query parameters of a GET the service cannot honour; undefined when all is well. */
export function queryProblem(
  style: MessageStyle,
  tree: ResourceTree,
  query: URLSearchParams,
): SimHttpError | undefined {
  for (const key of query.keys()) {
    if (key.startsWith('$') && !KNOWN_DOLLAR_PARAMS.has(key))
      return baseError(style, 'QueryParameterUnsupported', [key]);
  }
  for (const param of VALUELESS) {
    const value = query.get(param);
    // Parameters the service does not announce are ignored (DSP0266: non-$ parameters).
    if (value !== null && value !== '' && announced(tree, param)) {
      return baseError(style, 'QueryParameterValueFormatError', [value, param]);
    }
  }
  return undefined;
}

/**
 * `?only` on a collection of exactly one member answers that member (DSP0266 "only"); any other
 * collection answers itself. Undefined when `only` does not apply.
 */
export function onlyMember(tree: ResourceTree, path: string, query: URLSearchParams): string | undefined {
  if (!query.has('only') || !tree.isCollection(path) || !announced(tree, 'only')) return undefined;
  const members = tree.members(path);
  return members.length === 1 ? members[0] : undefined;
}

/** `<schema URI>; rel=describedby` for a resource type (DSP0266 "Link header"). */
export function describedBy(odataType: string | undefined): string | undefined {
  if (odataType === undefined) return undefined;
  const parts = odataType.replace(/^#/, '').split('.');
  // "#Chassis.v1_23_0.Chassis" → Chassis.v1_23_0.json; "#ChassisCollection.ChassisCollection" →
  // ChassisCollection.json: the versioned file matches the @odata.type version exactly.
  const file = parts.length >= 3 ? `${parts[0]}.${parts[1]}` : parts[0];
  if (file === undefined || file === '') return undefined;
  return `<https://redfish.dmtf.org/schemas/v1/${file}.json>; rel=describedby`;
}

/**
 * The methods Allow names for a resource: GET, HEAD and every routed method, except a POST that
 * is the UpdateService HttpPushUri upload sharing the URI of a resource (iDRAC 9 pushes to
 * FirmwareInventory): that POST uploads an image, it does not create a member, and the schema of
 * the resource (SoftwareInventoryCollection, not insertable) says so.
 */
export function allowedMethods(tree: ResourceTree, path: string, routed: readonly string[]): string[] {
  const pushUri = tree.get('/redfish/v1/UpdateService')?.['HttpPushUri'];
  const upload = typeof pushUri === 'string' && pushUri.replace(/\/$/, '') === path;
  return [...new Set(['GET', 'HEAD', ...routed.filter((m) => !(upload && m === 'POST'))])];
}

/** Headers of a successful GET/HEAD: Allow (see allowedMethods) and Link (rel=describedby). */
export function successHeaders(
  allowed: readonly string[],
  odataType: string | undefined,
): Record<string, string> {
  const headers: Record<string, string> = { Allow: allowed.join(', ') };
  const link = describedBy(odataType);
  if (link !== undefined) headers['Link'] = link;
  return headers;
}

/**
 * Answers a request Node's HTTP parser refused. An unknown method (the protocol validator sends
 * FAKEMETHODFORTEST) gets 501 Not Implemented, as RFC 9110 §9.1 asks of an origin server; any other
 * parse error closes the connection, as before.
 */
export function answerClientError(style: MessageStyle, err: Error & { code?: string }, socket: Socket): void {
  if (err.code !== 'HPE_INVALID_METHOD' || !socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(errorBody(style, [baseMessage(style, 'OperationNotAllowed')]));
  socket.end(
    'HTTP/1.1 501 Not Implemented\r\nConnection: close\r\nOData-Version: 4.0\r\n' +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
