/**
 * bench/peers-firmwarden: firmwarden's side of bench/peers.ts, one fresh process per sample.
 * Prints one JSON line with the CPU (user + system) of the measured work only: process start-up,
 * imports and warm-up reads are outside the measurement, as on the Python side.
 *
 *   node bench/peers-firmwarden.ts members <url> <count> <warmup>   RedfishClient: root,
 *       UpdateService, FirmwareInventory and every member (what sushy's firmware_inventory reads)
 *   node bench/peers-firmwarden.ts scan <url> <count> <warmup>      scanServer (the whole scan)
 *   node bench/peers-firmwarden.ts floor <url> <count> <warmup>     the same six GETs on a bare
 *       undici Pool, no firmwarden code: the floor of Node's HTTP client on this machine
 *   node bench/peers-firmwarden.ts catalog <file>                   loadCatalog (Dell Catalog.xml)
 *
 * Each BMC read is a new client (its own connection pool), closed afterwards, as in a sweep.
 */
import { setImmediate as immediate } from 'node:timers/promises';
import { Pool } from 'undici';
import { loadCatalog } from '../src/catalog/index.ts';
import { systemClock } from '../src/deps.ts';
import { scanServer } from '../src/inventory/scan.ts';
import { createLogger } from '../src/log.ts';
import { RedfishClient } from '../src/redfish/client.ts';
import { readMembers } from '../src/redfish/collection.ts';
import { SoftwareInventorySchema, UpdateServiceSchema } from '../src/redfish/models/index.ts';

const [mode, ...args] = process.argv.slice(2);
// The level a production sweep runs at: info lines are off per request, warnings would show.
const logger = createLogger({ level: 'error' });
const deps = { clock: systemClock, logger };

function cpuMs(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}

async function readOne(url: string, whole: boolean): Promise<number> {
  const client = new RedfishClient(
    { url, allowHttp: true, credentials: { username: 'bench', password: 'bench' }, auth: 'basic' },
    deps,
  );
  try {
    if (whole) {
      const inv = await scanServer(client, { name: 'bmc', bmc: url }, systemClock);
      return inv.components.length + inv.copies.length;
    }
    const root = await client.root();
    const us = await client.get(
      root.UpdateService?.['@odata.id'] ?? '/redfish/v1/UpdateService',
      UpdateServiceSchema,
    );
    const uri = us.FirmwareInventory?.['@odata.id'] ?? '/redfish/v1/UpdateService/FirmwareInventory';
    const members = await readMembers(client, uri, SoftwareInventorySchema);
    return members.filter((m) => m.Version).length;
  } finally {
    await client.close();
  }
}

/** The rackmount1 FirmwareInventory read as fixed paths: root, service, collection, members. */
async function floorOne(url: string): Promise<number> {
  const inv = '/redfish/v1/UpdateService/FirmwareInventory';
  const paths = ['/redfish/v1/', '/redfish/v1/UpdateService', inv, `${inv}/BMC`, `${inv}/SS`, `${inv}/BIOS`];
  const pool = new Pool(url, { connections: 4, pipelining: 1 });
  let versions = 0;
  for (const path of paths) {
    const res = await pool.request({ path, method: 'GET', headers: { accept: 'application/json' } });
    if ((JSON.parse(await res.body.text()) as { Version?: string }).Version) versions++;
    await immediate(); // as the transport does: keeps the one connection
  }
  await pool.close();
  return versions;
}

if (mode === 'members' || mode === 'scan' || mode === 'floor') {
  const [url = '', count = '100', warmup = '10'] = args;
  const one = mode === 'floor' ? () => floorOne(url) : () => readOne(url, mode === 'scan');
  for (let i = 0; i < Number(warmup); i++) await one();
  const members: number[] = [];
  const t0 = process.cpuUsage();
  for (let i = 0; i < Number(count); i++) members.push(await one());
  const ms = cpuMs(t0);
  console.log(JSON.stringify({ cpuMsPerBmc: ms / Number(count), members: members[0] }));
} else if (mode === 'catalog') {
  const t0 = process.cpuUsage();
  const catalog = await loadCatalog(args[0] as string);
  console.log(JSON.stringify({ cpuMs: cpuMs(t0), entries: catalog.entries.length }));
} else {
  throw new Error(`unknown mode ${mode}`);
}
