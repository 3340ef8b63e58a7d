/** Shared by the probe tests: fleet entries for a simulated BMC and for a replay of a trace. */
import type { ResolvedServer } from '../../src/fleet/load.ts';
import type { ServerInventory } from '../../src/inventory/model.ts';
import type { ProbeReport } from '../../src/probe/model.ts';
import type { SimBmc } from '../../src/simulator/index.ts';

/** A fleet entry for a simulated BMC, pinned by its certificate. */
export function simServer(bmc: SimBmc, name = bmc.name): ResolvedServer {
  return {
    name,
    bmc: bmc.url,
    labels: {},
    client: {
      url: bmc.url,
      name,
      credentials: { username: bmc.username, password: bmc.password },
      tls: { fingerprint: bmc.certFingerprint256 as string },
    },
  };
}

/** A fleet entry for a replay server (plain http on loopback; the trace holds no credentials). */
export function replayServer(url: string, name: string): ResolvedServer {
  return {
    name,
    bmc: url,
    labels: {},
    client: { url, name, allowHttp: true, credentials: { username: 'replay', password: 'not-a-secret' } },
  };
}

/** A probe report without what describes the connection (URL, TLS): the rest must match. */
export function comparableProbe(r: ProbeReport): Omit<ProbeReport, 'bmc' | 'tls'> {
  const { bmc: _bmc, tls: _tls, ...rest } = r;
  return rest;
}

/** An inventory without its URL and clock reading. */
export function comparableInventory(s: ServerInventory): Omit<ServerInventory, 'bmc' | 'scannedAt'> {
  const { bmc: _bmc, scannedAt: _at, ...rest } = s;
  return rest;
}
