/**
 * Routes every simulated BMC has whatever its vendor: the version object (/redfish), the OData
 * service document and $metadata, session login (POST Sessions) and logout (DELETE a session).
 */
import type { BmcContext } from './bmc-context.ts';
import { baseError, baseMessage, renderMessage } from './redfish-errors.ts';
import type { Json } from './resource-tree.ts';
import { SESSIONS_PATH } from './sessions.ts';
import type { SimRequest, SimResponse } from './sim-http.ts';

/** Paths answered without authentication (DSP0266 §13.3.1: the root, odata, $metadata). */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set([
  '/redfish',
  '/redfish/v1',
  '/redfish/v1/odata',
  '/redfish/v1/$metadata',
]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

async function login(ctx: BmcContext, req: SimRequest): Promise<SimResponse> {
  const style = ctx.profile.messages;
  const body = await req.json();
  if (!isObject(body)) throw baseError(style, 'MalformedJSON');
  const { UserName, Password } = body;
  if (typeof UserName !== 'string') throw baseError(style, 'PropertyMissing', ['UserName']);
  if (typeof Password !== 'string') throw baseError(style, 'PropertyMissing', ['Password']);
  if (!ctx.checkCredentials(UserName, Password)) {
    ctx.counters.authFailures++;
    throw baseError(style, 'ResourceAtUriUnauthorized', [req.path, 'Invalid username or password'], 401);
  }
  const session = ctx.sessions.create(UserName);
  ctx.counters.sessionsCreated++;
  const path = `${SESSIONS_PATH}/${session.id}`;
  // iLO answers an absolute Location with a trailing slash; the others a relative path.
  const location = ctx.profile.trailingSlash ? `${ctx.url}${path}/` : path;
  return {
    status: 201,
    headers: { 'X-Auth-Token': session.token, Location: location },
    body: ctx.tree.plain(path),
  };
}

function logout(ctx: BmcContext, req: SimRequest): SimResponse {
  const style = ctx.profile.messages;
  const id = req.params['id'] ?? '';
  if (!ctx.sessions.delete(id)) throw baseError(style, 'ResourceNotFound', ['Session', id]);
  ctx.counters.sessionsDeleted++;
  if (ctx.profile.sessions.deleteAnswer === 'no-content') return { status: 204 };
  return {
    status: 200,
    body: { '@Message.ExtendedInfo': [renderMessage(style, baseMessage(style, 'Success'))] },
  };
}

/** The OData service document: one entry per top-level service the root links. */
function serviceDocument(ctx: BmcContext): Json {
  const root = ctx.tree.get('/redfish/v1') ?? {};
  const value: Json[] = [{ name: 'Service', kind: 'Singleton', url: '/redfish/v1/' }];
  for (const [name, v] of Object.entries(root)) {
    const id = (v as { '@odata.id'?: unknown } | null)?.['@odata.id'];
    if (typeof id === 'string' && name !== 'Links') value.push({ name, kind: 'Singleton', url: id });
  }
  return { '@odata.context': '/redfish/v1/$metadata', value };
}

const METADATA_NAMESPACES = [
  'ServiceRoot',
  'ComputerSystem',
  'Manager',
  'Chassis',
  'SessionService',
  'Session',
  'TaskService',
  'Task',
  'UpdateService',
  'SoftwareInventory',
  'ActionInfo',
  'Storage',
  'Drive',
  'Volume',
  'ComponentIntegrity',
];

/** A minimal CSDL document naming the DMTF schemas the service uses. */
function metadata(ctx: BmcContext): string {
  const rootType = String(ctx.tree.get('/redfish/v1')?.['@odata.type'] ?? '#ServiceRoot.v1_5_0.ServiceRoot');
  const rootVersion = rootType.replace(/^#/, '').split('.').slice(0, 2).join('.');
  const refs = METADATA_NAMESPACES.map(
    (ns) =>
      `  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/${ns}_v1.xml">\n    <edmx:Include Namespace="${ns}"/>\n  </edmx:Reference>`,
  ).join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0">',
    refs,
    '  <edmx:DataServices>',
    '    <Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="Service">',
    `      <EntityContainer Name="Service" Extends="${rootVersion}.ServiceContainer"/>`,
    '    </Schema>',
    '  </edmx:DataServices>',
    '</edmx:Edmx>',
    '',
  ].join('\n');
}

/** Registers the vendor-independent routes on a BMC. */
export function registerServiceRoutes(ctx: BmcContext): void {
  ctx.route('GET', '/redfish', () => ({ status: 200, body: { v1: '/redfish/v1/' } }));
  ctx.route('GET', '/redfish/v1/odata', () => ({ status: 200, body: serviceDocument(ctx) }));
  ctx.route('GET', '/redfish/v1/$metadata', () => ({
    status: 200,
    body: metadata(ctx),
    contentType: 'application/xml; charset=utf-8',
  }));
  ctx.route('POST', SESSIONS_PATH, (req) => login(ctx, req));
  ctx.route('POST', `${SESSIONS_PATH}/Members`, (req) => login(ctx, req));
  ctx.route('DELETE', `${SESSIONS_PATH}/:id`, (req) => logout(ctx, req));
}
