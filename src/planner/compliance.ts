/**
 * The fleet's compliance: per component kind how many installed components are compliant,
 * outdated or unknown, and per component line the acting version (the lowest installed
 * anywhere: what the fleet may rely on), the highest, and the target. Versions inside a line are
 * ordered with compareVersions; a line holding versions that cannot be ordered reports them
 * instead of guessing an acting version.
 */
import type { VersionHints } from '../versions/index.ts';
import type { ComponentKind, Vendor } from '../vocab.ts';
import type { ComplianceSummary, ComponentLine, KindCompliance } from './plan-model.ts';
import type { PlannedServer } from './server-plan.ts';
import type { Compare } from './version-comparer.ts';

interface LineAcc {
  line: Omit<ComponentLine, 'lowest' | 'highest' | 'incomparable' | 'converged' | 'targets'>;
  versions: Set<string>;
  targets: Set<string>;
  servers: Set<string>;
  hints: VersionHints;
}

export function summarizeCompliance(planned: readonly PlannedServer[], compare: Compare): ComplianceSummary {
  const lines = new Map<string, LineAcc>();
  const byKind: Partial<Record<ComponentKind, KindCompliance>> = {};
  const totals = { compliant: 0, outdated: 0, unknown: 0 };
  let unreadableServers = 0;
  for (const p of planned) {
    if (!p.plan.readable) unreadableServers++;
    for (const assessed of p.lines) {
      const { decision, line } = assessed;
      const c = assessed.component;
      let acc = lines.get(line.key);
      if (acc === undefined) {
        acc = {
          line: {
            key: line.key,
            vendor: p.plan.vendor as Vendor,
            kind: c.kind,
            identity: line.identity,
            label: line.label,
            ...(line.models === undefined ? {} : { models: line.models }),
            components: 0,
            servers: 0,
            compliant: 0,
            outdated: 0,
            unknown: 0,
          },
          versions: new Set(),
          targets: new Set(),
          servers: new Set(),
          hints: assessed.hints,
        };
        lines.set(line.key, acc);
      }
      acc.line.components++;
      acc.servers.add(p.plan.server);
      acc.versions.add(c.version);
      if (decision.target !== undefined) acc.targets.add(decision.target.version);
      acc.line[decision.compliance]++;
      byKind[c.kind] ??= { compliant: 0, outdated: 0, unknown: 0, lines: [] };
      const kind = byKind[c.kind]!;
      kind[decision.compliance]++;
      totals[decision.compliance]++;
    }
  }
  for (const acc of lines.values()) byKind[acc.line.kind]!.lines.push(finishLine(acc, compare));
  for (const k of Object.values(byKind)) k.lines.sort((a, b) => a.key.localeCompare(b.key));
  return { byKind, totals, unreadableServers };
}

function finishLine(acc: LineAcc, compare: Compare): ComponentLine {
  const versions = [...acc.versions].sort();
  const targets = [...acc.targets].sort();
  const line: ComponentLine = { ...acc.line, servers: acc.servers.size, targets, converged: false };
  // Any incomparable pair means no acting version can be claimed: stop at the first one.
  const order = (a: string, b: string) => compare(a, b, acc.hints);
  for (let i = 0; i < versions.length; i++) {
    for (let j = i + 1; j < versions.length; j++) {
      const c = order(versions[i]!, versions[j]!);
      if (c.order === 'incomparable') {
        line.incomparable = { versions, pair: [versions[i]!, versions[j]!], reason: c.reason };
        return line;
      }
    }
  }
  let lowest = versions[0]!;
  let highest = versions[0]!;
  for (const v of versions) {
    if (order(v, lowest).order === 'less') lowest = v;
    if (order(v, highest).order === 'greater') highest = v;
  }
  line.lowest = lowest;
  line.highest = highest;
  line.converged =
    targets.length === 1 &&
    order(lowest, targets[0]!).order === 'equal' &&
    order(highest, targets[0]!).order === 'equal';
  return line;
}
