/**
 * `npm run conformance`: DMTF's own tools judge the simulator. Starts the six simulated profiles
 * (plain http on 127.0.0.1), then on each one: DMTF's reference client (Redfish-Tacklebox
 * rf_firmware_inventory.py, rf_update.py multipart and SimpleUpdate, the new version shown), the
 * Redfish Service Validator (must report 0 FAIL) and the Redfish Protocol Validator (every FAIL
 * must be listed in conformance/expected-failures.yaml, and every entry must still fail).
 *
 *   npm run conformance -- [--vendors generic,dell] [--out DIR] [--jobs N]
 *
 * Exit 0 when every profile meets that, 1 when one does not, 3 when Python or its packages are
 * missing (apt-get install $(cat conformance/debian-packages.txt)).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  SIM_VENDORS,
  type SimBmc,
  type SimVendor,
  startSimulatedFleet,
  writeSimulatedCatalog,
} from '../src/simulator/index.ts';
import { VendorSchema } from '../src/vocab.ts';
import {
  CONFORMANCE_DIR,
  missingPythonModules,
  protocolValidator,
  serviceValidator,
  type Target,
  type ValidatorResult,
} from './conformance/dmtf-tools.ts';
import {
  clientException,
  compareWithExceptions,
  type ExpectedFailures,
  loadExpectedFailures,
} from './conformance/exceptions.ts';
import { type ClientStep, referenceClient, startImageServer } from './conformance/reference-client.ts';

const { values } = parseArgs({
  options: { vendors: { type: 'string' }, out: { type: 'string' }, jobs: { type: 'string' } },
});
const vendors: SimVendor[] = values.vendors
  ? values.vendors.split(',').map((v) => VendorSchema.parse(v.trim()) as SimVendor)
  : [...SIM_VENDORS];
const jobs = Math.max(1, Number(values.jobs ?? vendors.length) || 1);

type ImageMap = Map<SimVendor, { file: string; version: string }>;

interface ProfileReport {
  vendor: SimVendor;
  service: ValidatorResult;
  protocol: ValidatorResult;
  client: ClientStep[];
  excepted: string[];
  problems: string[];
  ms: number;
}

async function announcesMultipart(t: Target): Promise<boolean> {
  const login = await fetch(`${t.url}/redfish/v1/SessionService/Sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ UserName: t.username, Password: t.password }),
  });
  const token = login.headers.get('x-auth-token') ?? '';
  await login.body?.cancel();
  const us = (await (
    await fetch(`${t.url}/redfish/v1/UpdateService`, { headers: { 'x-auth-token': token } })
  ).json()) as Record<string, unknown>;
  const location = login.headers.get('location');
  if (location) {
    const path = new URL(location, t.url).pathname;
    await fetch(`${t.url}${path}`, { method: 'DELETE', headers: { 'x-auth-token': token } }).then((r) =>
      r.body?.cancel(),
    );
  }
  return typeof us['MultipartHttpPushUri'] === 'string';
}

async function judge(
  bmc: SimBmc,
  out: string,
  expected: ExpectedFailures,
  images: { multipart: ImageMap; simple: ImageMap },
  server: Awaited<ReturnType<typeof startImageServer>>,
): Promise<ProfileReport> {
  const started = Date.now();
  const vendor = bmc.vendor as SimVendor;
  const dir = join(out, vendor);
  await mkdir(join(dir, 'service'), { recursive: true });
  await mkdir(join(dir, 'protocol'), { recursive: true });
  const target: Target = { url: bmc.url, username: bmc.username, password: bmc.password };
  const simple = images.simple.get(vendor);
  const multipart = (await announcesMultipart(target)) ? images.multipart.get(vendor) : undefined;
  const client = simple
    ? await referenceClient({
        target,
        vendor,
        cwd: dir,
        simple,
        images: server,
        ...(multipart ? { multipart } : {}),
      })
    : [{ step: 'images', ok: false, detail: `no BIOS image for ${vendor} in the catalog`, ms: 0 }];
  const service = await serviceValidator(target, join(dir, 'service'));
  const protocol = await protocolValidator(target, join(dir, 'protocol'));
  const problems: string[] = [];
  const excepted: string[] = [];
  for (const s of client.filter((c) => !c.ok)) {
    if (clientException(vendor, s.step, expected.client)) excepted.push(s.step);
    else problems.push(`client ${s.step}: ${s.detail}`);
  }
  for (const e of expected.client.filter((x) => x.profiles.includes(vendor))) {
    if (!client.some((c) => c.step === e.step && !c.ok))
      problems.push(`client exception "${e.step}" no longer fails: remove it`);
  }
  for (const f of service.fails) problems.push(`service FAIL ${f.uri} ${f.message}`);
  const cmp = compareWithExceptions(vendor, protocol.fails, expected.protocol);
  for (const f of cmp.unexpected) problems.push(`protocol FAIL ${f.assertion} ${f.uri}: ${f.message}`);
  for (const e of cmp.stale) problems.push(`protocol exception ${e.assertion} no longer fails: remove it`);
  excepted.push(...new Set(cmp.excepted.map((f) => f.assertion)));
  return { vendor, service, protocol, client, excepted, problems, ms: Date.now() - started };
}

/** Runs `fn` over `items` with at most `limit` at a time, keeping their order. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function main(): Promise<number> {
  const started = Date.now();
  const missing = await missingPythonModules();
  if (missing !== null) {
    process.stderr.write(
      `conformance: ${missing}\ninstall them: apt-get install -y $(cat conformance/debian-packages.txt)\n`,
    );
    return 3;
  }
  const expected = await loadExpectedFailures(join(CONFORMANCE_DIR, 'expected-failures.yaml'));
  const out = values.out ?? (await mkdtemp(join(tmpdir(), 'fw-conformance-')));
  await mkdir(out, { recursive: true });
  // A password starting with "-", as the simulator's random ones sometimes do: every run checks the
  // tools get it as a value, not as an option.
  const password = `-${randomBytes(12).toString('base64url')}`;
  const fleet = await startSimulatedFleet({
    count: vendors.length,
    vendors,
    tls: false,
    timing: 'fast',
    password,
  });
  try {
    // Two catalogs one and two versions ahead: the multipart push installs the first, SimpleUpdate
    // the second, so each install is seen on its own.
    const catalogs = await Promise.all(
      [1, 2].map((bump) =>
        writeSimulatedCatalog({ fleet, dir: join(out, `catalog-${bump}`), bump, components: ['bios'] }),
      ),
    );
    const byVendor = (i: number) =>
      new Map(
        (catalogs[i]?.entries ?? []).map((e) => [
          e.vendor as SimVendor,
          { file: e.imageFile, version: e.version },
        ]),
      );
    const images = { multipart: byVendor(0), simple: byVendor(1) };
    const server = await startImageServer(catalogs.flatMap((c) => c.entries.map((e) => e.imageFile)));
    try {
      const reports = await pool(fleet.bmcs, jobs, (bmc) => judge(bmc, out, expected, images, server));
      await writeFile(join(out, 'summary.json'), `${JSON.stringify(reports, summaryReplacer, 2)}\n`);
      printSummary(reports, Date.now() - started, out);
      return reports.every((r) => r.problems.length === 0) ? 0 : 1;
    } finally {
      await server.close();
    }
  } finally {
    await fleet.close();
  }
}

/** Keeps the JSON summary small: the tools' full output stays in their own report files. */
function summaryReplacer(key: string, value: unknown): unknown {
  return key === 'output' || key === 'warns' ? undefined : value;
}

function printSummary(reports: readonly ProfileReport[], ms: number, out: string): void {
  const lines = [
    'profile     service p/w/f     protocol p/w/f   client  expected failures (expected-failures.yaml)',
  ];
  for (const r of reports) {
    const s = `${r.service.pass}/${r.service.warn}/${r.service.fail}`;
    const p = `${r.protocol.pass}/${r.protocol.warn}/${r.protocol.fail}`;
    const c = `${r.client.filter((x) => x.ok).length}/${r.client.length}`;
    lines.push(
      `${r.vendor.padEnd(11)} ${s.padEnd(17)} ${p.padEnd(16)} ${c.padEnd(7)} ${r.excepted.join(', ')}`,
    );
  }
  for (const r of reports) for (const p of r.problems) lines.push(`PROBLEM ${r.vendor}: ${p}`);
  const ok = reports.every((r) => r.problems.length === 0);
  lines.push(`conformance ${ok ? 'ok' : 'FAILED'} in ${(ms / 1000).toFixed(0)} s; reports in ${out}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

process.exitCode = await main();
