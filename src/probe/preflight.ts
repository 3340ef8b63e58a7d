/**
 * The pre-flight of an update (`firmwarden update --dry-run`): per server, everything a real run
 * would need, checked without changing anything — the BMC answers, the credentials log in and the
 * session is deleted after, the session limit leaves room, every planned image is in the store
 * and passes its checksum, the method the update would use (and why), and when it would apply
 * (--at: the BMC's maintenance window, or held by firmwarden). The BMC is read through the probe
 * (probe-server.ts); the method and schedule are chosen by the executor's own functions.
 */
import type { ImageStore } from '../catalog/index.ts';
import type { Deps } from '../deps.ts';
import { describeError } from '../errors.ts';
import type { UpdateCapabilities } from '../executor/capabilities.ts';
import { chooseMethod } from '../executor/method-choice.ts';
import { prepare, wantedApplyTimes, windowUsable } from '../executor/update-step.ts';
import type { ResolvedServer } from '../fleet/load.ts';
import type { PlanDecision, ServerPlan } from '../planner/index.ts';
import type { RedfishExchange } from '../redfish/exchange.ts';
import type { UpdateMethod } from '../vocab.ts';
import type { ProbeReport } from './model.ts';
import { probeServer } from './probe-server.ts';

/** One check of one server. */
export interface PreflightCheck {
  /** reachable, credentials, sessions, driver, plan, image, method, schedule. */
  check: string;
  /** The component and its kind, for image and method checks. */
  component?: string;
  kind?: string;
  ok: boolean;
  detail: string;
}

export interface ServerPreflight {
  server: string;
  bmc: string;
  ok: boolean;
  checks: PreflightCheck[];
}

export interface FleetPreflight {
  ok: boolean;
  /** Servers with at least one failed check. */
  failed: number;
  servers: ServerPreflight[];
}

export interface PreflightOptions {
  store: ImageStore;
  /** --method: a preferred method, or auto. */
  prefer: UpdateMethod | 'auto';
  /** --at: when the update would start. */
  at?: Date;
}

const isAction = (d: PlanDecision) => d.decision === 'upgrade' || d.decision === 'downgrade';

/** Pre-flights one server against its plan; never throws for what the BMC or store answers. */
export async function preflightServer(
  server: ResolvedServer,
  plan: ServerPlan | undefined,
  deps: Deps,
  options: PreflightOptions,
): Promise<ServerPreflight> {
  const checks: PreflightCheck[] = [];
  const add = (check: string, ok: boolean, detail: string, d?: PlanDecision) =>
    checks.push({
      check,
      ...(d ? { component: d.component?.name ?? '?', kind: d.component?.kind ?? '?' } : {}),
      ok,
      detail,
    });
  const wire: RedfishExchange[] = [];
  let caps: UpdateCapabilities | undefined;
  let report: ProbeReport | undefined;
  try {
    report = await probeServer(server, deps, {
      recorder: (ex) => wire.push(ex),
      capabilities: (c) => {
        caps = c;
      },
    });
  } catch (err) {
    const answered = wire.length > 0;
    add('reachable', answered, answered ? `answered ${wire.length} requests` : describeError(err));
    const denied = wire.some((ex) => ex.status === 401 || ex.status === 403);
    add(
      'credentials',
      false,
      denied ? `refused: ${describeError(err)}` : 'not tried: the BMC did not answer',
    );
  }
  if (report) {
    add('reachable', true, `Redfish ${report.redfishVersion ?? '(version not stated)'} at ${server.bmc}`);
    add('credentials', ...credentials(report, wire));
    add('sessions', ...sessionRoom(report, wire));
    add(
      'service',
      report.errors.length === 0,
      report.errors.length === 0
        ? 'root, manager, UpdateService, inventory and resets read'
        : `could not read ${report.errors.map((e) => `${e.section} (${e.code}: ${e.message})`).join('; ')}`,
    );
    add('driver', true, `${report.family} (${report.generation}); follows by ${report.follow.join('; ')}`);
  }
  const actions = plan?.decisions.filter(isAction) ?? [];
  if (plan && !plan.readable)
    add('plan', false, plan.decisions[0]?.reason ?? 'the inventory could not be read');
  else if (plan)
    add('plan', true, actions.length ? `${actions.length} components to update` : 'nothing to do');

  // The same image checks and method choice a real run makes (update-step.ts prepare/deliverOne).
  const works = [];
  for (const d of actions) {
    try {
      const w = await prepare(d, options.store);
      works.push(w);
      add(
        'image',
        true,
        `${d.target?.entryId} ${d.target?.version}: sha256 ${w.image.sha256.slice(0, 12)}… verified (${w.image.size} bytes)`,
        d,
      );
    } catch (err) {
      add('image', false, `${d.target?.entryId} ${d.target?.version}: ${describeError(err)}`, d);
    }
  }
  const inWindow =
    options.at !== undefined && caps !== undefined && windowUsable(caps, actions.map(applyInput));
  for (const d of actions) {
    if (!caps) {
      add('method', false, 'UpdateService unreadable: no method can be chosen', d);
      continue;
    }
    const size = works.find((w) => w.decision === d)?.image.size ?? d.target?.image.size ?? 0;
    try {
      const c = chooseMethod(caps, {
        imageSize: size,
        applyTimes: wantedApplyTimes(applyInput(d), inWindow),
        prefer: options.prefer,
        // A real run always starts the built-in image server.
        imageServer: 'http',
      });
      const probed = report?.components.find((p) => p.id === d.component?.id);
      const rejected = c.rejected.map((r) => `${r.method}: ${r.why}`).join('; ');
      add(
        'method',
        true,
        `${c.method}${c.applyTime ? ` ${c.applyTime}` : ''}: ${c.reason}${rejected ? ` (not ${rejected})` : ''}` +
          (probed?.targets ? `; targets ${probed.targets.map((t) => t.join(',')).join(' or ')}` : '') +
          (probed?.resets ? `; activates by ${probed.resets}` : ''),
        d,
      );
    } catch (err) {
      add('method', false, `impossible: ${(err as Error).message}`, d);
    }
  }
  if (actions.length > 0) add('schedule', ...schedule(options.at, inWindow, report));
  return { server: server.name, bmc: server.bmc, ok: checks.every((c) => c.ok), checks };
}

/** Pre-flights every server, `concurrency` at a time, in the order given. */
export async function preflightFleet(
  work: Array<{ server: ResolvedServer; plan: ServerPlan | undefined }>,
  deps: Deps,
  options: PreflightOptions & { concurrency?: number },
): Promise<FleetPreflight> {
  const out: ServerPreflight[] = new Array(work.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < work.length; i = next++) {
      const w = work[i] as (typeof work)[number];
      out[i] = await preflightServer(w.server, w.plan, deps, options);
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, work.length)) }, lane),
  );
  const failed = out.filter((s) => !s.ok).length;
  return { ok: failed === 0, failed, servers: out };
}

const applyInput = (d: PlanDecision) => ({ decision: d, expected: { kind: d.component?.kind ?? 'other' } });

const loginOf = (wire: RedfishExchange[]) =>
  wire.find((ex) => ex.method === 'POST' && /\/Sessions\/?$/.test(ex.uri));
/** DMTF Base SessionLimitExceeded, or a vendor's wording of it. */
const LIMIT = /SessionLimitExceeded|simultaneous sessions|session limit/i;

/** Login seen on the wire, requests refused after it, and the logout that deleted the session. */
function credentials(report: ProbeReport, wire: RedfishExchange[]): [boolean, string] {
  const login = loginOf(wire);
  const refused = wire.filter((ex) => ex !== login && ex.status === 401).length;
  if (login && login.status >= 300) {
    const basic = report.sessions.auth === 'basic' ? '; Basic authentication was tried instead' : '';
    const limit = LIMIT.test(login.responseText) ? ': the session limit is reached' : '';
    const after = refused ? `, then ${refused} requests refused (401)` : '';
    return [false, `session login answered ${login.status}${limit}${basic}${after}`];
  }
  if (refused) return [false, `${refused} requests refused (401) after authenticating`];
  if (report.sessions.auth === 'basic') return [true, 'Basic authentication accepted (no session to delete)'];
  const logout = wire.find((ex) => ex.method === 'DELETE' && /\/Sessions\/[^/]+\/?$/.test(ex.uri));
  if (!login) return [false, 'no session login seen'];
  if (!logout || (logout.status >= 300 && logout.status !== 404))
    return [
      false,
      `session created but not deleted (${logout ? `DELETE answered ${logout.status}` : 'no logout seen'})`,
    ];
  return [true, `session login ${login.status}, deleted after (${logout.status})`];
}

function sessionRoom(report: ProbeReport, wire: RedfishExchange[]): [boolean, string] {
  const login = loginOf(wire);
  if (login && login.status >= 300 && LIMIT.test(login.responseText))
    return [
      false,
      `the BMC refused a new session (${login.status} SessionLimitExceeded): an update could not log in`,
    ];
  const { maxSessions, open } = report.sessions;
  if (maxSessions === undefined)
    return [true, `${open ?? '?'} open while checking; the BMC states no session limit`];
  // `open` counts this check's own session, which a real run would hold instead.
  const room = open === undefined || open <= maxSessions;
  return [
    room,
    `${open ?? '?'} open of at most ${maxSessions}${room ? '' : ': the BMC would refuse the update its session'}`,
  ];
}

function schedule(
  at: Date | undefined,
  inWindow: boolean,
  report: ProbeReport | undefined,
): [boolean, string] {
  const current = report?.update?.maintenanceWindow;
  const now = current ? `; the BMC's window now: ${current.start} for ${current.durationSeconds} s` : '';
  if (!at) return [true, `now (no --at)${now}`];
  if (inWindow)
    return [true, `the BMC's maintenance window, set to ${at.toISOString()} (apply times offered)${now}`];
  return [
    true,
    `held by firmwarden until ${at.toISOString()}: the BMC offers no maintenance-window apply time${now}`,
  ];
}
