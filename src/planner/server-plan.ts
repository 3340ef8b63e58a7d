/**
 * The plan for one server: a decision per installed component, `after` prerequisites, the
 * execution order of the actions, and what the actions need of the server as a whole (one host
 * reboot, one BMC reset) so the executor resets it once. Copies (backup banks, rollback and
 * staged images) are never planned against.
 */
import type { RequiredApplyTime } from '../catalog/model.ts';
import type { ServerInventory } from '../inventory/model.ts';
import { applyAfterPrerequisites } from './after-prerequisites.ts';
import type { Assessed, PlanContext } from './component-decision.ts';
import { type LineRef, lineOf } from './component-line.ts';
import { Compliance, Decision, isAction } from './decision.ts';
import { kindRank, orderActions } from './execution-order.ts';
import type { PlanDecision, ServerPlan, ServerRequirements } from './plan-model.ts';
import { assessShared } from './shared-decision.ts';

/** A server plan plus each decision's line, for the compliance summary. */
export interface PlannedServer {
  plan: ServerPlan;
  /** Every assessed component with its line (empty for unreadable servers). */
  lines: (Assessed & { line: LineRef })[];
}

/** What String#localeCompare uses, made once: localeCompare looks the collator up on every call. */
const COLLATOR = new Intl.Collator();

/** Plans one server (see plan()). */
export function planServer(ctx: PlanContext, server: ServerInventory): PlannedServer {
  const header = {
    server: server.server,
    bmc: server.bmc,
    vendor: server.vendor,
    ...(server.model === undefined ? {} : { model: server.model }),
    ...(server.systemId === undefined ? {} : { systemId: server.systemId }),
    labels: server.labels,
  };
  if (server.error !== undefined) {
    const decision: PlanDecision = {
      decision: Decision.unreadableServer,
      reason: `inventory could not be read: ${server.error.code} ${server.error.message}`,
      compliance: Compliance.unknown,
    };
    return {
      plan: {
        ...header,
        readable: false,
        decisions: [decision],
        requires: noRequirements(),
        counts: { [Decision.unreadableServer]: 1 },
      },
      lines: [],
    };
  }

  const assessed = server.components.map((c) => assessShared(ctx, ctx.outcomes, server, c));
  const before = applyAfterPrerequisites(ctx, server, assessed);
  const actions = assessed.flatMap((a, key) =>
    isAction(a.decision.decision)
      ? [
          {
            key,
            kind: a.component.kind,
            entryId: a.target!.id,
            tie: `${a.component.name}\u0000${a.component.id}`,
          },
        ]
      : [],
  );
  const ordered = orderActions(actions, before, server.server);
  const stepOf = new Map(ordered.map((o, i) => [o.key, i + 1]));
  // Every decision is a fresh object made for its component, so the server-level facts are
  // added in place rather than by copying 200,000 decisions twice for a large fleet.
  for (const [key, step] of stepOf) {
    const a = assessed[key]!;
    const afterSteps = [...(before.get(key) ?? [])].map((k) => stepOf.get(k)!).sort((x, y) => x - y);
    a.decision.step = step;
    if (afterSteps.length > 0) a.decision.afterSteps = afterSteps;
  }

  const lines = assessed.map((a) => {
    const withLine = a as Assessed & { line: LineRef };
    withLine.line = lineOf(server, a.component, a.reference, ctx.lines);
    a.decision.line = withLine.line.key;
    return withLine;
  });
  const rest = assessed
    .map((a, key) => ({ a, key }))
    .filter(({ key }) => !stepOf.has(key))
    .sort(
      (x, y) =>
        kindRank(x.a.component.kind) - kindRank(y.a.component.kind) ||
        COLLATOR.compare(x.a.component.name, y.a.component.name) ||
        x.key - y.key,
    );
  const decisions = [...ordered.map((o) => assessed[o.key]!.decision), ...rest.map(({ a }) => a.decision)];
  const counts: Partial<Record<Decision, number>> = {};
  for (const d of decisions) counts[d.decision] = (counts[d.decision] ?? 0) + 1;
  return {
    plan: { ...header, readable: true, decisions, requires: requirements(assessed), counts },
    lines,
  };
}

function noRequirements(): ServerRequirements {
  return { hostReboot: false, bmcReset: false, powerOff: false, applyTimes: [] };
}

/** What the planned actions need, taken together. */
function requirements(assessed: Assessed[]): ServerRequirements {
  const r = noRequirements();
  const applyTimes = new Set<RequiredApplyTime>();
  for (const a of assessed) {
    if (!isAction(a.decision.decision) || a.target === undefined) continue;
    const req = a.target.requires;
    if (req.reboot) r.hostReboot = true;
    if (req.bmcReset || a.component.kind === 'bmc') r.bmcReset = true;
    if (req.powerOff) r.powerOff = true;
    if (req.applyTime !== undefined) applyTimes.add(req.applyTime);
  }
  r.applyTimes = [...applyTimes].sort();
  return r;
}
