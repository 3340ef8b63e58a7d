/**
 * Which hosts a catalog's images may be downloaded from. A catalog polled over the network is
 * input from elsewhere: without a limit, an image URL (or a redirect) on 127.0.0.1, the cloud
 * metadata address 169.254.169.254 or a private range makes this host fetch from its own network
 * for whoever wrote the catalog. The rules (README "Catalogs and the image store"):
 * 1. An image URL, and every redirect it takes, must name a host on the list: the catalog's own
 *    host (a URL source), the host of its base URL (--base-url, catalog.baseUrl), Dell's
 *    baseLocation, the hosts the operator adds (catalog.allowHosts, --allow-host), and for a
 *    catalog read from a local file (the operator's own file) the hosts its entries name.
 *    A redirect to a host outside the list is not followed.
 * 2. When the catalog was fetched from a public address, a host the catalog itself put on the list
 *    (Dell's baseLocation) must also resolve to public addresses only: no loopback, link-local,
 *    private, shared (CGNAT), multicast or unspecified address. Hosts the operator named (the
 *    source URL's host, baseUrl, allowHosts) are exempt, and so is every host when the catalog
 *    itself came from such an address or a local file (a lab, a LAN mirror, the demo on 127.0.0.1).
 * Ports are not compared: a host is a host.
 */
import { lookup as dnsLookupCallback, type LookupAddress, type LookupOptions } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import type { Catalog } from './catalog.ts';
import { ImageErrorCode, ImageStoreError } from './image-errors.ts';

/** Resolves a host name to its addresses (dns.lookup by default; tests pass a fake). */
export type HostLookup = (host: string) => Promise<string[]>;

/** What syncCatalog lets image downloads reach. */
export interface ImageHostPolicy {
  /** Hosts images may come from (lowercase, IPv6 without brackets). */
  allowed: ReadonlySet<string>;
  /** Hosts the operator named: exempt from the public-address rule. */
  trusted: ReadonlySet<string>;
  /** The catalog came from a public address: untrusted hosts must resolve to public addresses. */
  publicOnly: boolean;
}

export interface ImageHostOptions {
  /** Extra hosts the operator allows (catalog.allowHosts, --allow-host). */
  allowHosts?: readonly string[];
  lookup?: HostLookup;
}

/** The policy for a loaded catalog (rule 1 and 2 above). */
export async function imageHostPolicy(
  catalog: Catalog,
  options: ImageHostOptions = {},
): Promise<ImageHostPolicy> {
  const { source } = catalog;
  const trusted = new Set<string>();
  const allowed = new Set<string>();
  const add = (set: Set<string>, host: string | undefined) => {
    if (host) set.add(host);
  };
  for (const h of options.allowHosts ?? []) add(trusted, normalizeHost(h));
  add(trusted, hostOf(source.url));
  add(trusted, hostOf(source.baseUrl));
  for (const h of trusted) allowed.add(h);
  add(allowed, baseLocationHost(source.baseLocation));
  if (source.url === undefined) for (const e of catalog.entries) add(allowed, hostOf(e.image.url));
  const own = hostOf(source.url);
  const publicOnly = own !== undefined && !(await isPrivateHost(own, options.lookup ?? defaultLookup));
  return { allowed, trusted, publicOnly };
}

/**
 * Throws ImageStoreError FW_ERR_IMAGE_HOST unless `url` may be fetched under `policy`. `label`
 * is the catalog's URL for the image (named in the error; a redirect target is only described).
 */
export async function checkImageHost(
  policy: ImageHostPolicy,
  url: string,
  label: string,
  lookup: HostLookup = defaultLookup,
): Promise<void> {
  const host = hostOf(url);
  const hop = url === label ? '' : 'redirect to ';
  if (host === undefined || !policy.allowed.has(host)) {
    throw new ImageStoreError(
      ImageErrorCode.host,
      label,
      `${hop}host ${JSON.stringify(host ?? url)} is not one this catalog may download from (its own host, its base URL, Dell baseLocation, catalog.allowHosts / --allow-host)`,
    );
  }
  if (!policy.publicOnly || policy.trusted.has(host)) return;
  if (await isPrivateHost(host, lookup)) {
    throw new ImageStoreError(
      ImageErrorCode.host,
      label,
      `${hop}host ${JSON.stringify(host)} resolves to a loopback, link-local or private address, and the catalog came from a public one (name it in catalog.allowHosts / --allow-host to allow it)`,
    );
  }
}

/**
 * A dns.lookup for the connections image downloads open: the public-address rule applied again to
 * the addresses actually connected to, so a name cannot resolve to a public address when checked
 * and to a private one when connected (DNS rebinding).
 */
export function guardedLookup(policy: ImageHostPolicy): LookupFunction {
  return ((hostname: string, options: LookupOptions, callback: LookupAllCallback) => {
    dnsLookupCallback(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const host = normalizeHost(hostname) ?? hostname;
      if (
        policy.publicOnly &&
        !policy.trusted.has(host) &&
        addresses.some((a) => isNonPublicAddress(a.address))
      ) {
        const refused = new Error(`host ${JSON.stringify(hostname)} resolves to a non-public address`);
        return callback(Object.assign(refused, { code: ImageErrorCode.host }), []);
      }
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      (callback as unknown as (e: null, a: string, f: number) => void)(
        null,
        first?.address ?? '',
        first?.family ?? 4,
      );
    });
  }) as unknown as LookupFunction;
}

type LookupAllCallback = (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void;

/** A host name as compared: lowercase, IPv6 without brackets. Undefined when empty. */
export function normalizeHost(host: string): string | undefined {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return h === '' ? undefined : h;
}

function hostOf(url: string | undefined): string | undefined {
  if (url === undefined || !/^https?:/i.test(url)) return undefined;
  try {
    return normalizeHost(new URL(url).hostname);
  } catch {
    return undefined;
  }
}

/** Dell's baseLocation is a host ("downloads.dell.com"), sometimes a URL or host/path. */
function baseLocationHost(location: string | undefined): string | undefined {
  const base = location?.trim();
  if (!base) return undefined;
  return hostOf(/^https?:\/\//i.test(base) ? base : `https://${base.replace(/^\/+/, '')}`);
}

/** Address ranges this host must not be made to fetch from on a public catalog's behalf. */
const NON_PUBLIC = (() => {
  const list = new BlockList();
  for (const [net, prefix] of [
    ['0.0.0.0', 8], // "this network", unspecified
    ['10.0.0.0', 8], // RFC 1918
    ['100.64.0.0', 10], // shared address space (CGNAT)
    ['127.0.0.0', 8], // loopback
    ['169.254.0.0', 16], // link-local, incl. the cloud metadata service 169.254.169.254
    ['172.16.0.0', 12], // RFC 1918
    ['192.168.0.0', 16], // RFC 1918
    ['224.0.0.0', 3], // multicast, reserved, broadcast
  ] as const)
    list.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of [
    ['::', 127], // unspecified and loopback
    ['fc00::', 7], // unique local
    ['fe80::', 10], // link-local
    ['ff00::', 8], // multicast
  ] as const)
    list.addSubnet(net, prefix, 'ipv6');
  return list;
})();

/** An IP address in one of the NON_PUBLIC ranges (IPv4-mapped IPv6 judged as IPv4). */
export function isNonPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped !== undefined) return NON_PUBLIC.check(mapped, 'ipv4');
  const family = isIP(address);
  if (family === 0) return false;
  return NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** A literal in a NON_PUBLIC range, "localhost", or a name with any such address. */
async function isPrivateHost(host: string, lookup: HostLookup): Promise<boolean> {
  if (isIP(host) !== 0) return isNonPublicAddress(host);
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  let addresses: string[];
  try {
    addresses = await lookup(host);
  } catch {
    // Unresolvable now: the download would fail anyway; nothing private was reached.
    return false;
  }
  return addresses.some(isNonPublicAddress);
}

async function defaultLookup(host: string): Promise<string[]> {
  return (await dnsLookup(host, { all: true })).map((a) => a.address);
}
