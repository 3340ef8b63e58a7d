/**
 * The fleet file describing a simulated fleet (src/fleet/schema.ts): one server per BMC with a
 * vendor hint and site/rack/role labels for rollout waves, credentials from a password file and
 * TLS pinned to the fleet CA. `writeFleetDocument` writes it with the CA PEM and a 0600 password
 * file beside it, every path in the document relative to the fleet file's folder.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { FleetFile } from '../fleet/schema.ts';
import type { SimBmc } from './types.ts';

/** Servers per simulated rack. */
const RACK_SIZE = 16;

/** Labels of the i-th BMC: racks of 16 alternating between two sites, every 4th a storage node. */
export function simLabels(index: number): Record<string, string> {
  const rack = Math.floor(index / RACK_SIZE);
  return {
    site: rack % 2 === 0 ? 'sim-a' : 'sim-b',
    rack: `r${String(rack + 1).padStart(2, '0')}`,
    role: index % 4 === 3 ? 'storage' : 'compute',
  };
}

export interface FleetDocumentInput {
  bmcs: readonly SimBmc[];
  username: string;
  tls: boolean;
  /** Fingerprint pinned when no CA file is named. */
  fingerprint256?: string;
}

/** Builds the fleet document for the given CA file and password file paths. */
export function buildFleetDocument(
  input: FleetDocumentInput,
  opts: { caFile?: string; passwordFile: string },
): FleetFile {
  const defaults: NonNullable<FleetFile['defaults']> = {
    credentials: { username: input.username, passwordFile: opts.passwordFile },
  };
  if (!input.tls) defaults.allowHttp = true;
  else if (opts.caFile !== undefined) defaults.tls = { ca: opts.caFile };
  else if (input.fingerprint256 !== undefined) defaults.tls = { fingerprint: input.fingerprint256 };
  return {
    version: 1,
    defaults,
    servers: input.bmcs.map((b, i) => ({ name: b.name, bmc: b.url, vendor: b.vendor, labels: simLabels(i) })),
  };
}

export const PASSWORD_FILE = 'fleet.password';
export const CA_FILE = 'fleet-ca.pem';

/** Writes the fleet file (YAML, or JSON for a .json name), the CA PEM and the password file. */
export async function writeFleetDocument(
  input: FleetDocumentInput & { password: string; caPem?: string },
  path: string,
): Promise<{ fleetFile: string; caFile?: string; passwordFile: string }> {
  const fleetFile = resolve(path);
  const dir = dirname(fleetFile);
  await mkdir(dir, { recursive: true });
  const passwordFile = join(dir, PASSWORD_FILE);
  await writeFile(passwordFile, `${input.password}\n`, { mode: 0o600 });
  await chmod(passwordFile, 0o600);
  let caFile: string | undefined;
  if (input.tls && input.caPem !== undefined) {
    caFile = join(dir, CA_FILE);
    await writeFile(caFile, input.caPem);
  }
  const doc = buildFleetDocument(input, {
    passwordFile: PASSWORD_FILE,
    ...(caFile === undefined ? {} : { caFile: CA_FILE }),
  });
  const text =
    extname(fleetFile).toLowerCase() === '.json' ? `${JSON.stringify(doc, null, 2)}\n` : stringify(doc);
  await writeFile(fleetFile, text);
  return caFile === undefined ? { fleetFile, passwordFile } : { fleetFile, caFile, passwordFile };
}
