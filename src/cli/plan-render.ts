/**
 * The plan as text: per server its ordered decisions, then the fleet's compliance. Made to fit a
 * terminal: a reason does not repeat the INSTALLED and TARGET columns, a line is named by its
 * catalog/component name (the identity only where two lines would read the same), and with a
 * width (the terminal's columns) long cells are cut with …. `--json` keeps everything.
 */
import type { ComplianceSummary, ComponentLine, Plan, PlanDecision, ServerPlan } from '../planner/index.ts';
import { versionText } from '../planner/version-comparer.ts';
import { table } from './render.ts';

const INDENT = 2;

/** The human report; `width` is the terminal's columns (undefined: piped, nothing is cut). */
export function renderPlan(p: Plan, width?: number): string {
  const parts: string[] = [];
  const catalogName = p.catalog.name ? ` "${p.catalog.name}"` : '';
  parts.push(
    `plan against ${p.catalog.format} catalog ${p.catalog.file}${catalogName} (${p.catalog.entries} entries), inventory of ${p.inventoryScannedAt}`,
  );
  const inner = width === undefined ? undefined : width - INDENT;
  for (const s of p.servers) parts.push('', renderServer(s, inner));
  parts.push('', renderCompliance(p.compliance, inner));
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

function renderServer(s: ServerPlan, width: number | undefined): string {
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
    shortReason(d),
  ]);
  // COMPONENT, TARGET and REASON give way; the step, decision, kind and installed version do not.
  const fit = { maxWidth: width, shrink: [3, 5, 6] };
  return `${header}\n${indent(table(['STEP', 'DECISION', 'KIND', 'COMPONENT', 'INSTALLED', 'TARGET', 'REASON'], rows, fit))}`;
}

/**
 * The decision's reason without what the INSTALLED and TARGET columns already say: an upgrade
 * reads "recommended" rather than "upgrade 1.98 → 1.99 with dell-idrac-1-99 (recommended)". What
 * is left is the part a human acts on (criticality, pins, prerequisites, why no entry matched).
 */
export function shortReason(d: PlanDecision): string {
  const { reason, component: c, target: t } = d;
  if (!c || !t) return reason;
  const installed = versionText(c.version);
  const at = `${t.entryId} ${t.version}`;
  const move = new RegExp(`^(up|down)grade .* → .* with ${escapeRegExp(t.entryId)} \\((\\w+)\\)`);
  return reason
    .replace(move, (_all, dir: string, criticality: string) =>
      dir === 'down' ? `downgrade (${criticality})` : criticality,
    )
    .replace(` (installed ${installed}, catalog ${at})`, '')
    .replace(`installed ${installed} and ${at} cannot`, 'cannot')
    .replace(`installed ${installed} matches ${at}`, 'matches the catalog')
    .replace(`installed ${installed} is newer than ${at}`, 'newer than the catalog')
    .replace(`; the catalog has ${t.entryId} ${t.version}`, '');
}

function renderCompliance(c: ComplianceSummary, width: number | undefined): string {
  const kinds = Object.entries(c.byKind);
  const byKind = table(
    ['KIND', 'COMPLIANT', 'OUTDATED', 'UNKNOWN'],
    kinds.map(([kind, k]) => [kind, String(k.compliant), String(k.outdated), String(k.unknown)]),
  );
  const all = kinds.flatMap(([, k]) => k.lines);
  const names = lineNames(all);
  const lineRows = all.map((l) => [
    l.kind,
    l.vendor,
    names.get(l) ?? l.label,
    l.models ?? '',
    String(l.servers),
    l.lowest ?? '?',
    l.highest ?? '?',
    l.targets.join(', ') || '-',
    l.incomparable
      ? `cannot order ${l.incomparable.pair.join(' and ')} (${l.incomparable.versions.length} versions installed)`
      : l.converged
        ? 'converged'
        : [l.outdated && `${l.outdated} outdated`, l.unknown && `${l.unknown} unknown`]
            .filter(Boolean)
            .join(', '),
  ]);
  const lines = table(
    ['KIND', 'VENDOR', 'LINE', 'MODELS', 'SERVERS', 'ACTING (LOWEST)', 'HIGHEST', 'TARGET', 'STATE'],
    lineRows,
    { maxWidth: width, shrink: [2, 3, 5, 6, 7, 8] },
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

/**
 * A line's label, with its identity ("ComponentID 159") only where another line of the same
 * vendor and kind has the same label and models: the identity is long (GUIDs) and rarely needed.
 */
function lineNames(lines: ComponentLine[]): Map<ComponentLine, string> {
  const seen = new Map<string, number>();
  const same = (l: ComponentLine) => `${l.vendor}|${l.kind}|${l.label}|${l.models ?? ''}`;
  for (const l of lines) seen.set(same(l), (seen.get(same(l)) ?? 0) + 1);
  return new Map(
    lines.map((l) => [l, (seen.get(same(l)) ?? 0) > 1 ? `${l.label} (${l.identity})` : l.label]),
  );
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => ' '.repeat(INDENT) + l)
    .join('\n');
