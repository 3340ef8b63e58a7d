/**
 * NetBox → fleet entries: read the devices (netbox-client), map each (netbox-map), and account for
 * every device that did not make it: no OOB IP, no name, an odd shape, or a name or BMC address
 * another device already has (the first one in NetBox's order is kept, the others are listed).
 * Nothing here writes a file: see fleet-output.ts.
 */
import type { Deps } from '../deps.ts';
import type { FleetServer } from '../fleet/schema.ts';
import { type NetboxSource, netboxBase, readNetboxDevices } from './netbox-client.ts';
import { type MapOptions, mapDevice } from './netbox-map.ts';

/** A device left out of the fleet, and why. */
export interface SkippedDevice {
  /** NetBox device id, when the device had one. */
  id: number | undefined;
  name: string;
  reason: string;
}

export interface NetboxImportReport {
  /** NetBox base URL (no credentials). */
  source: string;
  filters: Array<[string, string]>;
  /** NetBox's count of matching devices and the pages read. */
  count: number;
  pages: number;
  /** Devices that became fleet entries. */
  imported: number;
  /** Devices without a usable BMC address, name or shape. */
  skipped: SkippedDevice[];
  /** Devices whose name or BMC URL an earlier device already has. */
  duplicates: SkippedDevice[];
  /** Adjustments worth knowing (renamed, labels left out), per server. */
  notes: Array<{ server: string; note: string }>;
}

export interface NetboxImport {
  servers: FleetServer[];
  report: NetboxImportReport;
}

/** Reads NetBox and maps its devices to fleet entries. */
export async function importFromNetbox(
  source: NetboxSource,
  map: MapOptions,
  deps: Deps,
): Promise<NetboxImport> {
  const read = await readNetboxDevices(source, deps);
  const report: NetboxImportReport = {
    source: netboxBase(source.url, true).href,
    filters: source.filters ?? [],
    count: read.count,
    pages: read.pages,
    imported: 0,
    skipped: [],
    duplicates: [],
    notes: [],
  };
  const servers: FleetServer[] = [];
  const byName = new Map<string, number | undefined>();
  const byBmc = new Map<string, string>();
  for (const raw of read.devices) {
    const m = mapDevice(raw, map);
    if (!m.ok) {
      report.skipped.push({ id: m.id, name: m.name, reason: m.reason });
      continue;
    }
    const s = m.server;
    if (byName.has(s.name)) {
      report.duplicates.push({
        id: m.id,
        name: s.name,
        reason: `name already used by NetBox device ${byName.get(s.name)}`,
      });
      continue;
    }
    const sameBmc = byBmc.get(s.bmc);
    if (sameBmc !== undefined) {
      report.duplicates.push({ id: m.id, name: s.name, reason: `BMC ${s.bmc} already used by ${sameBmc}` });
      continue;
    }
    byName.set(s.name, m.id);
    byBmc.set(s.bmc, s.name);
    servers.push(s);
    for (const note of m.notes) report.notes.push({ server: s.name, note });
  }
  report.imported = servers.length;
  deps.logger.info(
    {
      source: report.source,
      count: report.count,
      pages: report.pages,
      imported: report.imported,
      skipped: report.skipped.length,
      duplicates: report.duplicates.length,
    },
    'netbox devices read',
  );
  return { servers, report };
}
