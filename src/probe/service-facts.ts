/**
 * Facts about the service beyond the UpdateService, read without changing anything: the Manager
 * (model, firmware, Manager.Reset types), ComputerSystem.Reset types, the session service and the
 * sessions open now, and collections whose Members@odata.count disagrees with their Members.
 */
import { findReset } from '../executor/host-reset.ts';
import type { RedfishClient } from '../redfish/client.ts';
import { readMembers } from '../redfish/collection.ts';
import {
  ActionInfoSchema,
  type Collection,
  CollectionSchema,
  type Manager,
  ManagerSchema,
  normalizeUri,
  ResourceSchema,
  type ServiceRoot,
} from '../redfish/models/index.ts';
import type { SessionFacts } from './model.ts';

/** The BMC's Manager (ManagerType BMC, else the first), or undefined when there is none. */
export async function readManager(client: RedfishClient, root: ServiceRoot): Promise<Manager | undefined> {
  if (!root.Managers) return undefined;
  const managers = await readMembers(client, root.Managers['@odata.id'], ManagerSchema);
  return managers.find((m) => m.ManagerType === 'BMC') ?? managers[0];
}

/** ResetType values of a Reset action: inline AllowableValues, else its ActionInfo. */
export async function managerResetTypes(
  client: RedfishClient,
  manager: Manager | undefined,
): Promise<string[] | 'not announced' | undefined> {
  const action = (manager?.['Actions'] as Record<string, Record<string, unknown>> | undefined)?.[
    '#Manager.Reset'
  ];
  if (typeof action?.['target'] !== 'string') return undefined;
  const inline = action['ResetType@Redfish.AllowableValues'];
  if (Array.isArray(inline)) return inline.map(String);
  const info = action['@Redfish.ActionInfo'];
  if (typeof info !== 'string') return 'not announced';
  const types = (await client.get(info, ActionInfoSchema)).Parameters.find((p) => p.Name === 'ResetType');
  return types?.AllowableValues ?? 'not announced';
}

/** ComputerSystem.Reset types (host-reset.ts findReset), undefined when there is no action. */
export async function systemResetTypes(
  client: RedfishClient,
): Promise<string[] | 'not announced' | undefined> {
  try {
    const reset = await findReset(client);
    return reset.types ?? 'not announced';
  } catch (err) {
    if ((err as { code?: string }).code === 'FW_ERR_UNSUPPORTED') return undefined;
    throw err;
  }
}

/** The session service's settings and how many sessions are open (this probe's included). */
export async function readSessions(
  client: RedfishClient,
  root: ServiceRoot,
): Promise<{ facts: Omit<SessionFacts, 'auth'>; oddities: string[] }> {
  const uri = root.SessionService?.['@odata.id'];
  if (!uri) return { facts: {}, oddities: ['the service root links no SessionService'] };
  const service = await client.get(uri, ResourceSchema);
  const facts: Omit<SessionFacts, 'auth'> = {};
  if (typeof service['ServiceEnabled'] === 'boolean') facts.serviceEnabled = service['ServiceEnabled'];
  if (typeof service['SessionTimeout'] === 'number') facts.timeoutSeconds = service['SessionTimeout'];
  const max = maxSessions(service);
  if (max !== undefined) facts.maxSessions = max;
  const sessionsUri =
    root.Links?.Sessions?.['@odata.id'] ??
    (service['Sessions'] as { '@odata.id'?: string } | undefined)?.['@odata.id'];
  const oddities: string[] = [];
  if (sessionsUri) {
    const { count, odd } = await countMembers(client, sessionsUri);
    facts.open = count;
    if (odd) oddities.push(odd);
  }
  return { facts, oddities };
}

/** MaxSessions is not DMTF: some services state it at the top, others under their Oem block. */
function maxSessions(service: Record<string, unknown>): number | undefined {
  const places = [service, ...Object.values((service['Oem'] as Record<string, unknown>) ?? {})];
  for (const place of places) {
    if (!place || typeof place !== 'object') continue;
    for (const [k, v] of Object.entries(place)) {
      if (/^max(imum)?(concurrent)?sessions$/i.test(k) && typeof v === 'number') return v;
    }
  }
  return undefined;
}

/**
 * Members of a collection over all its pages, and an oddity when Members@odata.count (the total,
 * DSP0266 §9.8) disagrees with them — seen on real services; firmwarden never trusts the count.
 */
export async function countMembers(
  client: RedfishClient,
  uri: string,
): Promise<{ count: number; links: string[]; odd?: string }> {
  const links: string[] = [];
  let stated: number | undefined;
  const seen = new Set<string>();
  let next: string | undefined = uri;
  // A page guard like collection.ts: a nextLink that loops is its own oddity, not a hang.
  while (next && !seen.has(next) && seen.size < MAX_PAGES) {
    seen.add(next);
    const page: Collection = await client.get(next, CollectionSchema);
    stated ??= page['Members@odata.count'];
    links.push(...page.Members.map((m) => normalizeUri(m['@odata.id'])));
    next = page['Members@odata.nextLink'];
  }
  const count = links.length;
  if (next) return { count, links, odd: `${normalizeUri(uri)}: Members@odata.nextLink loops or never ends` };
  if (stated === undefined || stated === count) return { count, links };
  return {
    count,
    links,
    odd: `${normalizeUri(uri)}: Members@odata.count says ${stated}, Members lists ${count}`,
  };
}

const MAX_PAGES = 100;
