/**
 * `firmwarden plan`: sweep a fleet, load a catalog (and a policy), and print for every server the
 * ordered decisions with their reasons and the fleet's compliance, or one JSON document. Exit 0
 * when planned (upgrades pending or not), 1 when some servers could not be read, 2 bad input.
 */
import { complianceRows, toCsv } from '../api/compliance-export.ts';
import type { Deps } from '../deps.ts';
import { ConfigError } from '../errors.ts';
import { planFleet } from '../fleet/plan-fleet.ts';
import { DEFAULT_SWEEP_CONCURRENCY } from '../inventory/sweep.ts';
import type { ComplianceSummary, Plan, ServerPlan } from '../planner/index.ts';
import { EXIT, intFlag, parse } from './args.ts';
import { PLAN_HELP } from './command-help.ts';
import { sweepProgress } from './fleet-progress.ts';
import { table } from './render.ts';

const COMMAND = 'plan';

export async function planCommand(argv: string[], deps: Deps, out: NodeJS.WritableStream): Promise<number> {
  const { values } = parse(COMMAND, argv, {
    fleet: { type: 'string' },
    catalog: { type: 'string' },
    policy: { type: 'string' },
    'base-url': { type: 'string' },
    json: { type: 'boolean' },
    export: { type: 'string' },
    concurrency: { type: 'string' },
  });
  if (!values.fleet || !values.catalog) {
    throw new ConfigError(
      `firmwarden ${COMMAND}`,
      `--fleet FILE and --catalog FILE are required\n\n${PLAN_HELP}`,
    );
  }
  if (values.export !== undefined && values.export !== 'csv' && values.export !== 'json') {
    throw new ConfigError(
      `firmwarden ${COMMAND}`,
      `--export expects csv or json, got ${JSON.stringify(values.export)}`,
    );
  }
  // Quiet off a terminal for every machine-readable output (--json, --export).
  const progress = sweepProgress(`${COMMAND} (inventory)`, {
    clock: deps.clock,
    stream: deps.progress,
    json: Boolean(values.json || values.export),
  });
  const planned = await planFleet(
    {
      fleetFile: values.fleet,
      catalogFile: values.catalog,
      ...(values.policy ? { policyFile: values.policy } : {}),
      ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}),
      sweep: {
        concurrency: intFlag(COMMAND, 'concurrency', values.concurrency, DEFAULT_SWEEP_CONCURRENCY),
        onServer: (s, done, total) => progress.server(done, total, !s.error),
      },
    },
    deps,
  ).finally(() => progress.done());
  if (values.export === 'csv') out.write(toCsv(complianceRows(planned.plan)));
  else if (values.export === 'json') out.write(`${JSON.stringify(complianceRows(planned.plan), null, 2)}\n`);
  else
    out.write(values.json ? `${JSON.stringify(planned.plan, null, 2)}\n` : `${renderPlan(planned.plan)}\n`);
  return planned.inventory.failed > 0 ? EXIT.partial : EXIT.ok;
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
