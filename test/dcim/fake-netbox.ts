/**
 * A fake NetBox for the importer's tests: node:http on 127.0.0.1, /api/dcim/devices/ answering in
 * NetBox 4.x's shapes (DeviceSerializer with its nested brief objects: ids, urls, display,
 * ChoiceFields as {value, label}, IPs as "10.0.0.5/24"), LimitOffsetPagination with absolute
 * `next`/`previous` links and MAX_PAGE_SIZE capping, token auth (v1 "Token", v2 "Bearer nbt_")
 * answering 403 {"detail": "Invalid token"}, the device filters the importer forwards (a bad site
 * slug answers 400 like django-filter does), and switches for what goes wrong in the field.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeDeviceSpec {
  name: string | null;
  site: string;
  rack?: string;
  role?: string;
  manufacturer: string;
  model?: string;
  platform?: string;
  tenant?: string;
  location?: string;
  status?: string;
  /** "10.0.0.5/24"; null or absent: no OOB IP. */
  oob?: string | null;
  primary4?: string;
  tags?: string[];
  customFields?: Record<string, unknown>;
}

export type FakeMode =
  | { kind: 'ok' }
  /** A 200 HTML login page (SSO proxy in front of NetBox). */
  | { kind: 'html-login' }
  /** A 500 with Django's HTML error page. */
  | { kind: 'html-500' }
  /** The next `count` requests answer 503 with Retry-After. */
  | { kind: 'unavailable'; count: number };

export interface FakeNetboxOptions {
  devices: FakeDeviceSpec[];
  /** The token NetBox knows ("0123…" v1 or "nbt_<key>.<secret>" v2). */
  token: string;
  /** MAX_PAGE_SIZE: a larger limit is capped to it. */
  maxPageSize?: number;
  /** NetBox < 3.6: `device_role` instead of `role`. */
  legacyRole?: boolean;
  /** Origin written into `next`/`url` links (a proxy that rewrites the host); default the real one. */
  advertisedOrigin?: string;
}

export interface FakeRequest {
  path: string;
  query: Array<[string, string]>;
  authorization: string | undefined;
}

export interface FakeNetbox {
  url: string;
  requests: FakeRequest[];
  setMode(mode: FakeMode): void;
  close(): Promise<void>;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export async function startFakeNetbox(options: FakeNetboxOptions): Promise<FakeNetbox> {
  const requests: FakeRequest[] = [];
  let mode: FakeMode = { kind: 'ok' };
  let origin = '';
  const sites = new Set(options.devices.map((d) => slug(d.site)));

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const authorization = req.headers.authorization;
    requests.push({ path: url.pathname, query: [...url.searchParams], authorization });
    handle(req, res, url).catch((err) => {
      res.writeHead(500).end(String(err));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (mode.kind === 'unavailable' && mode.count > 0) {
      mode.count--;
      res.writeHead(503, { 'content-type': 'text/html', 'retry-after': '2' });
      res.end('<html><head><title>503 Service Unavailable</title></head></html>');
      return;
    }
    if (mode.kind === 'html-login') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        '<!DOCTYPE html><html><head><title>Sign in · Corporate SSO</title></head><body>…</body></html>',
      );
      return;
    }
    if (mode.kind === 'html-500') {
      res.writeHead(500, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        '<!DOCTYPE html><html><head><title>Server Error</title></head><body><h1>Server Error (500)</h1></body></html>',
      );
      return;
    }
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', vary: 'Accept' });
      res.end(JSON.stringify(body));
    };
    const auth = req.headers.authorization;
    if (!auth) return json(403, { detail: 'Authentication credentials were not provided.' });
    const v2 = options.token.startsWith('nbt_');
    if (auth !== `${v2 ? 'Bearer' : 'Token'} ${options.token}`) return json(403, { detail: 'Invalid token' });
    if (url.pathname !== '/api/dcim/devices/') return json(404, { detail: 'Not found.' });

    const q = url.searchParams;
    for (const s of q.getAll('site')) {
      if (!sites.has(s))
        return json(400, { site: [`Select a valid choice. ${s} is not one of the available choices.`] });
    }
    const any = (key: string, value: string | undefined) => {
      const wanted = q.getAll(key);
      return wanted.length === 0 || (value !== undefined && wanted.includes(value));
    };
    const matching = options.devices
      .map((d, i) => ({ d, id: i + 1 }))
      .filter(
        ({ d }) =>
          any('site', slug(d.site)) &&
          any('role', d.role && slug(d.role)) &&
          any('status', d.status ?? 'active') &&
          any('manufacturer', slug(d.manufacturer)) &&
          any('platform', d.platform && slug(d.platform)) &&
          any('tenant', d.tenant && slug(d.tenant)) &&
          // NetBox's tag filter is conjoined: every tag named must be on the device.
          q.getAll('tag').every((t) => (d.tags ?? []).map(slug).includes(t)) &&
          (!q.has('q') || (d.name ?? '').toLowerCase().includes((q.get('q') ?? '').toLowerCase())),
      );
    const limit = Math.min(Number(q.get('limit') ?? 50) || 50, options.maxPageSize ?? 1000);
    const offset = Number(q.get('offset') ?? 0);
    const page = matching.slice(offset, offset + limit);
    const link = (o: number) => {
      const u = new URL(`${options.advertisedOrigin ?? origin}/api/dcim/devices/`);
      for (const [k, v] of q) if (k !== 'limit' && k !== 'offset') u.searchParams.append(k, v);
      u.searchParams.set('limit', String(limit));
      u.searchParams.set('offset', String(o));
      return u.href;
    };
    json(200, {
      count: matching.length,
      next: offset + limit < matching.length ? link(offset + limit) : null,
      previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
      results: page.map(({ d, id }) => deviceJson(d, id, options.advertisedOrigin ?? origin, options)),
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    requests,
    setMode: (m) => {
      mode = m;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Nested brief object: {id, url, display, name, slug, description}. */
function nested(origin: string, path: string, name: string, id: number, withSlug = true) {
  return {
    id,
    url: `${origin}/api/${path}/${id}/`,
    display: name,
    name,
    ...(withSlug ? { slug: slug(name) } : {}),
    description: '',
  };
}

/** A stable small id per distinct name within a kind. */
const ids = new Map<string, number>();
function idOf(kind: string, name: string): number {
  const key = `${kind}:${name}`;
  if (!ids.has(key)) ids.set(key, ids.size + 1);
  return ids.get(key) as number;
}

function ip(origin: string, address: string, id: number) {
  const family = address.includes(':') ? 6 : 4;
  return {
    id,
    url: `${origin}/api/ipam/ip-addresses/${id}/`,
    display: address,
    family: { value: family, label: `IPv${family}` },
    address,
    description: '',
    dns_name: '',
    nat_inside: null,
    nat_outside: [],
  };
}

function deviceJson(d: FakeDeviceSpec, id: number, origin: string, options: FakeNetboxOptions) {
  const model = d.model ?? 'Server';
  const role = d.role ? nested(origin, 'dcim/device-roles', d.role, idOf('role', d.role)) : null;
  const status = d.status ?? 'active';
  const primary = d.primary4 ? ip(origin, d.primary4, 1000 + id) : null;
  return {
    id,
    url: `${origin}/api/dcim/devices/${id}/`,
    display_url: `${origin}/dcim/devices/${id}/`,
    display: d.name ?? `${model} (${id})`,
    name: d.name,
    device_type: {
      id: idOf('type', model),
      url: `${origin}/api/dcim/device-types/${idOf('type', model)}/`,
      display: model,
      manufacturer: nested(origin, 'dcim/manufacturers', d.manufacturer, idOf('mfr', d.manufacturer)),
      model,
      slug: slug(model),
      description: '',
    },
    ...(options.legacyRole ? { device_role: role } : { role }),
    tenant: d.tenant ? nested(origin, 'tenancy/tenants', d.tenant, idOf('tenant', d.tenant)) : null,
    platform: d.platform ? nested(origin, 'dcim/platforms', d.platform, idOf('platform', d.platform)) : null,
    serial: `SN${String(id).padStart(6, '0')}`,
    asset_tag: null,
    site: nested(origin, 'dcim/sites', d.site, idOf('site', d.site)),
    location: d.location ? nested(origin, 'dcim/locations', d.location, idOf('loc', d.location)) : null,
    rack: d.rack ? nested(origin, 'dcim/racks', d.rack, idOf('rack', `${d.site}/${d.rack}`), false) : null,
    position: d.rack ? 10 + (id % 30) : null,
    face: d.rack ? { value: 'front', label: 'Front' } : null,
    latitude: null,
    longitude: null,
    parent_device: null,
    status: { value: status, label: status[0]?.toUpperCase() + status.slice(1) },
    airflow: { value: 'front-to-rear', label: 'Front to rear' },
    primary_ip: primary,
    primary_ip4: primary,
    primary_ip6: null,
    ...(options.legacyRole ? {} : { oob_ip: d.oob ? ip(origin, d.oob, 2000 + id) : null }),
    cluster: null,
    virtual_chassis: null,
    vc_position: null,
    vc_priority: null,
    description: '',
    comments: '',
    config_template: null,
    config_context: {},
    local_context_data: null,
    tags: (d.tags ?? []).map((t) => ({
      id: idOf('tag', t),
      url: `${origin}/api/extras/tags/${idOf('tag', t)}/`,
      display_url: `${origin}/extras/tags/${idOf('tag', t)}/`,
      display: t,
      name: t,
      slug: slug(t),
      color: '9e9e9e',
    })),
    custom_fields: d.customFields ?? {},
    created: '2025-03-01T10:00:00.000000Z',
    last_updated: '2026-10-01T08:30:00.000000Z',
    console_port_count: 1,
    console_server_port_count: 0,
    power_port_count: 2,
    power_outlet_count: 0,
    interface_count: 4,
    front_port_count: 0,
    rear_port_count: 0,
    device_bay_count: 0,
    module_bay_count: 0,
    inventory_item_count: 0,
  };
}
