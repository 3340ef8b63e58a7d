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
  /** Servers with a component on the line, counted as they come (see add). */
  servers: number;
  lastServer: string | undefined;
  lastVersion: string | undefined;
  hints: VersionHints;
}

/**
 * The compliance summary, fed one planned server at a time: plan() adds each server as soon as
 * it is planned, so a server's assessed components are garbage by the next one instead of
 * 200,000 of them living (and being copied by the GC) until the whole fleet is planned.
 */
export class ComplianceTally {
  readonly #lines = new Map<string, LineAcc>();
  readonly #byKind: Partial<Record<ComponentKind, KindCompliance>> = {};
  readonly #totals = { compliant: 0, outdated: 0, unknown: 0 };
  #unreadableServers = 0;

  /** Counts one planned server. */
  add(p: PlannedServer): void {
    if (!p.plan.readable) this.#unreadableServers++;
    for (const assessed of p.lines) {
      const { decision, line } = assessed;
      const c = assessed.component;
      let acc = this.#lines.get(line.key);
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
          servers: 0,
          lastServer: undefined,
          lastVersion: undefined,
          hints: assessed.hints,
        };
        this.#lines.set(line.key, acc);
      }
      acc.line.components++;
      // A server's components all come in this one call and servers are unique in an inventory:
      // counting changes of server counts servers, without a set of 10,000 names per line.
      if (acc.lastServer !== p.plan.server) {
        acc.lastServer = p.plan.server;
        acc.servers++;
      }
      if (acc.lastVersion !== c.version) {
        acc.lastVersion = c.version;
        acc.versions.add(c.version);
      }
      if (decision.target !== undefined) acc.targets.add(decision.target.version);
      acc.line[decision.compliance]++;
      this.#byKind[c.kind] ??= { compliant: 0, outdated: 0, unknown: 0, lines: [] };
      const kind = this.#byKind[c.kind]!;
      kind[decision.compliance]++;
      this.#totals[decision.compliance]++;
    }
  }

  /** The summary of every server added so far (call once). */
  finish(compare: Compare): ComplianceSummary {
    const byKind = this.#byKind;
    for (const acc of this.#lines.values()) byKind[acc.line.kind]!.lines.push(finishLine(acc, compare));
    for (const k of Object.values(byKind)) k.lines.sort((a, b) => a.key.localeCompare(b.key));
    return { byKind, totals: this.#totals, unreadableServers: this.#unreadableServers };
  }
}

/** The compliance summary of planned servers. */
export function summarizeCompliance(planned: readonly PlannedServer[], compare: Compare): ComplianceSummary {
  const tally = new ComplianceTally();
  for (const p of planned) tally.add(p);
  return tally.finish(compare);
}

function finishLine(acc: LineAcc, compare: Compare): ComponentLine {
  const versions = [...acc.versions].sort();
  const targets = [...acc.targets].sort();
  const line: ComponentLine = { ...acc.line, servers: acc.servers, targets, converged: false };
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
