/**
 * `firmwarden plan`: sweep a fleet, load a catalog (and a policy), and print for every server the
 * ordered decisions with their reasons and the fleet's compliance, or one JSON document. Exit 0
 * when planned (upgrades pending or not), 1 when some servers could not be read, 2 bad input.
 */
import { readFile } from 'node:fs/promises';
import { type Catalog, loadCatalog } from '../catalog/index.ts';
import type { Deps } from '../deps.ts';
import { ConfigError, FirmwardenError } from '../errors.ts';
import { loadFleetFile } from '../fleet/load.ts';
import { DEFAULT_SWEEP_CONCURRENCY, sweepFleet } from '../inventory/sweep.ts';
import {
  type ComplianceSummary,
  type Plan,
  PlanError,
  type PlanPolicy,
  parsePolicyText,
  plan,
  type ServerPlan,
} from '../planner/index.ts';
import { EXIT, intFlag, parse } from './args.ts';
import { progressBar, table } from './render.ts';

export const PLAN_HELP = `firmwarden plan --fleet FILE --catalog FILE [--policy FILE] [--base-url URL]
                [--json] [--concurrency N]

Reads what every server runs and decides, per installed component, what to do against the
catalog (native JSON/YAML, Dell Catalog.xml, HPE fwrepo.json): upgrade, up-to-date,
newer-than-catalog, downgrade, no-catalog-entry, incomparable-version, blocked-by-prerequisite,
not-updateable, excluded-by-policy, unreadable-server, each with its reason. The policy file
(YAML/JSON, schemas/policy.schema.json) allows/denies kinds, sets a minimum criticality, pins
versions per label and allows downgrades. Nothing is changed on any server.
Exit 0 planned, 1 some servers could not be read, 2 bad input.`;

const COMMAND = 'plan';

export async function planCommand(argv: string[], deps: Deps, out: NodeJS.WritableStream): Promise<number> {
  const { values } = parse(COMMAND, argv, {
    fleet: { type: 'string' },
    catalog: { type: 'string' },
    policy: { type: 'string' },
    'base-url': { type: 'string' },
    json: { type: 'boolean' },
    concurrency: { type: 'string' },
  });
  if (!values.fleet || !values.catalog) {
    throw new ConfigError(
      `firmwarden ${COMMAND}`,
      `--fleet FILE and --catalog FILE are required\n\n${PLAN_HELP}`,
    );
  }
  const concurrency = intFlag(COMMAND, 'concurrency', values.concurrency, DEFAULT_SWEEP_CONCURRENCY);
  // Bad input is found before a single BMC is contacted.
  const policy = values.policy ? await loadPolicyFile(values.policy) : undefined;
  const catalog = await loadCatalogInput(values.catalog, values['base-url']);
  const servers = await loadFleetFile(values.fleet);

  const bar = progressBar(COMMAND);
  const inventory = await sweepFleet(servers, deps, {
    concurrency,
    onServer: (s, done, total) => bar.update(done, total, s.server),
  });
  bar.done();
  let result: Plan;
  try {
    result = plan(inventory, catalog, policy);
  } catch (err) {
    if (err instanceof PlanError) throw new ConfigError(values.catalog, err.message, { cause: err });
    throw err;
  }
  out.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderPlan(result)}\n`);
  return inventory.failed > 0 ? EXIT.partial : EXIT.ok;
}

/** Reads and validates a policy file (YAML or JSON); errors name the file, field and line. */
export async function loadPolicyFile(path: string): Promise<PlanPolicy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, `cannot read policy file: ${(err as Error).message}`, { cause: err });
  }
  return parsePolicyText(text, path);
}

/** loadCatalog with its errors as bad input (exit 2), naming the flag. */
async function loadCatalogInput(path: string, baseUrl: string | undefined): Promise<Catalog> {
  try {
    return await loadCatalog(path, baseUrl === undefined ? {} : { baseUrl });
  } catch (err) {
    if (err instanceof FirmwardenError) {
      throw new ConfigError(`firmwarden ${COMMAND} --catalog`, `${err.code}: ${err.message}`, { cause: err });
    }
    throw err;
  }
}

/** The human report: per server its ordered decisions, then the compliance summary. */
export function renderPlan(p: Plan): string {
  const parts: string[] = [];
  const catalogName = p.catalog.name ? ` "${p.catalog.name}"` : '';
  parts.push(
    `plan against ${p.catalog.format} catalog ${p.catalog.file}${catalogName} (${p.catalog.entries} entries), inventory of ${p.inventoryScannedAt}`,
  );
  for (const s of p.servers) parts.push('', renderServer(s));
  parts.push('', renderCompliance(p.compliance));
  const totals = Object.entries(p.totals)
    .sort(([, a], [, b]) => b - a)
    .map(([decision, n]) => `${n} ${decision}`)
    .join(', ');
  const pending = p.servers.filter((s) => s.decisions.some((d) => d.step !== undefined)).length;
  parts.push(
    '',
    `${p.servers.length} servers, ${pending} with actions pending; ${totals || 'nothing to decide'}`,
  );
  return parts.join('\n');
}

function renderServer(s: ServerPlan): string {
  const what =
    [s.vendor, s.model].filter(Boolean).join(' ') + (s.systemId ? `, system id ${s.systemId}` : '');
  const needs = [
    s.requires.bmcReset ? 'BMC reset' : undefined,
    s.requires.hostReboot ? 'host reboot' : undefined,
    s.requires.powerOff ? 'power off' : undefined,
    s.requires.applyTimes.length > 0 ? `apply ${s.requires.applyTimes.join('/')}` : undefined,
  ].filter(Boolean);
  const header = `${s.server} (${what})${needs.length > 0 ? ` — needs ${needs.join(', ')}` : ''}`;
  if (!s.readable) return `${header}\n  ${s.decisions[0]?.decision}: ${s.decisions[0]?.reason}`;
  const rows = s.decisions.map((d) => [
    d.step === undefined ? '' : String(d.step) + (d.afterSteps ? ` (after ${d.afterSteps.join(',')})` : ''),
    d.decision,
    d.component?.kind ?? '',
    d.component?.name ?? '',
    d.component?.version || '(none)',
    d.target ? `${d.target.version} [${d.target.entryId}]` : '',
    d.reason,
  ]);
  return `${header}\n${indent(table(['STEP', 'DECISION', 'KIND', 'COMPONENT', 'INSTALLED', 'TARGET', 'REASON'], rows))}`;
}

function renderCompliance(c: ComplianceSummary): string {
  const kinds = Object.entries(c.byKind);
  const byKind = table(
    ['KIND', 'COMPLIANT', 'OUTDATED', 'UNKNOWN'],
    kinds.map(([kind, k]) => [kind, String(k.compliant), String(k.outdated), String(k.unknown)]),
  );
  const lineRows = kinds.flatMap(([, k]) =>
    k.lines.map((l) => [
      l.kind,
      l.vendor,
      `${l.label} (${l.identity})`,
      l.models ?? '',
      String(l.servers),
      l.lowest ?? '?',
      l.highest ?? '?',
      l.targets.join(', ') || '-',
      l.incomparable
        ? `cannot order ${l.incomparable.pair.join(' and ')} (${l.incomparable.versions.length} versions installed)`
        : l.converged
          ? 'converged'
          : `${l.outdated} outdated, ${l.unknown} unknown`,
    ]),
  );
  const lines = table(
    ['KIND', 'VENDOR', 'LINE', 'MODELS', 'SERVERS', 'ACTING (LOWEST)', 'HIGHEST', 'TARGET', 'STATE'],
    lineRows,
  );
  const t = c.totals;
  const unreadable = c.unreadableServers > 0 ? `; ${c.unreadableServers} servers unreadable` : '';
  return [
    `compliance: ${t.compliant} compliant, ${t.outdated} outdated, ${t.unknown} unknown${unreadable}`,
    indent(byKind),
    '',
    'component lines (acting version = lowest installed):',
    indent(lines),
  ].join('\n');
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
