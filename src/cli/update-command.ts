/**
 * `firmwarden update`: plan the chosen servers against a catalog, then push, apply, reset and
 * verify — or with --dry-run check, per server and touching nothing, everything a real run needs
 * (src/probe/preflight.ts). Exit 0 when every action verified or every check passed (or nothing to
 * do), 1 when any failed, 2 bad input.
 */
import { join } from 'node:path';
import { ImageStore } from '../catalog/index.ts';
import type { Deps } from '../deps.ts';
import { ConfigError } from '../errors.ts';
import { parseAtTime } from '../executor/at-time.ts';
import { awaitInterrupted } from '../executor/await-interrupted.ts';
import { startImageServer } from '../executor/image-server.ts';
import { FileJournal } from '../executor/journal.ts';
import { type FleetUpdateReport, updateFleet } from '../executor/update-fleet.ts';
import { UPDATE_DEFAULTS } from '../executor/update-server.ts';
import { planFleet } from '../fleet/plan-fleet.ts';
import type { ServerPlan } from '../planner/index.ts';
import { preflightFleet } from '../probe/preflight.ts';
import { openStore } from '../store/open-store.ts';
import { processActor } from '../store/store-journal.ts';
import { type UpdateMethod, UpdateMethodSchema } from '../vocab.ts';
import { EXIT, intFlag, parse } from './args.ts';
import { UPDATE_HELP } from './command-help.ts';
import { renderPreflight } from './preflight-render.ts';
import { progressView } from './progress-view.ts';
import { table } from './render.ts';
import { SELECT_OPTIONS, selectionOf } from './select-flags.ts';

export async function updateCommand(argv: string[], deps: Deps, out: NodeJS.WritableStream): Promise<number> {
  const { values } = parse('update', argv, {
    fleet: { type: 'string' },
    catalog: { type: 'string' },
    policy: { type: 'string' },
    'base-url': { type: 'string' },
    ...SELECT_OPTIONS,
    at: { type: 'string' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
    store: { type: 'string' },
    state: { type: 'string' },
    method: { type: 'string' },
    concurrency: { type: 'string' },
    'image-server': { type: 'string' },
    'image-server-url': { type: 'string' },
    'image-server-tls': { type: 'boolean' },
    'force-reset': { type: 'boolean' },
    'no-reset': { type: 'boolean' },
    'poll-ms': { type: 'string' },
  });
  const src = 'firmwarden update';
  if (!values.fleet || !values.catalog)
    throw new ConfigError(src, `--fleet and --catalog are required\n\n${UPDATE_HELP}`);
  const { only, ...select } = selectionOf('update', values, true);
  const method =
    values.method === undefined || values.method === 'auto'
      ? 'auto'
      : UpdateMethodSchema.safeParse(values.method);
  if (method !== 'auto' && !method.success)
    throw new ConfigError(src, `--method must be auto, ${UpdateMethodSchema.options.join(', ')}`);
  const at = values.at ? parseAtTime(values.at, deps.clock.now()) : undefined;
  const state = values.state ?? '.firmwarden';
  const store = await ImageStore.open(values.store ?? join(state, 'images'));

  const planInput = {
    fleetFile: values.fleet,
    catalogFile: values.catalog,
    ...(values.policy ? { policyFile: values.policy } : {}),
    ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}),
    select,
  };
  const planned = await planFleet({ ...planInput, ...(only ? { only } : {}) }, deps);
  const plans = new Map(planned.plan.servers.map((p) => [p.server, p]));
  const workList = () =>
    planned.servers
      .map((server) => ({ server, plan: plans.get(server.name) as ServerPlan }))
      .filter((w) => w.plan);
  const prefer: UpdateMethod | 'auto' = method === 'auto' ? 'auto' : method.data;

  if (values['dry-run']) {
    // Every chosen server is checked, also one the sweep could not read (the check says why).
    const pre = await preflightFleet(
      planned.servers.map((server) => ({
        server,
        plan: planned.plan.servers.find((p) => p.server === server.name),
      })),
      deps,
      {
        store,
        prefer,
        ...(at ? { at } : {}),
        concurrency: intFlag('update', 'concurrency', values.concurrency, 4),
      },
    );
    out.write(
      values.json ? `${JSON.stringify({ dryRun: true, ...pre }, null, 2)}\n` : `${renderPreflight(pre)}\n`,
    );
    return pre.ok ? EXIT.ok : EXIT.partial;
  }

  const [host, port] = (values['image-server'] ?? '127.0.0.1:0').split(':');
  const imageServer = await startImageServer(
    {
      store,
      host: host || '127.0.0.1',
      port: intFlag('update', 'image-server port', port, 0),
      ...(values['image-server-url'] ? { publicUrl: values['image-server-url'] } : {}),
      ...(values['image-server-tls'] ? { tls: 'self-signed' as const } : {}),
    },
    deps,
  );
  const view = progressView(deps.progress, { now: deps.clock.now, quiet: Boolean(values.json) });
  const journal = new FileJournal(state, deps.clock.now);
  const pollMs = values['poll-ms'] ? intFlag('update', 'poll-ms', values['poll-ms'], 5000) : undefined;
  // A server an interrupted run left restarting (its BMC image activating) is waited for, then
  // planned again from what it runs now; unreadable with nothing unfinished is a failure at once.
  const unreadable = planned.servers.filter((s) => plans.get(s.name)?.readable === false);
  const back = unreadable.length
    ? await awaitInterrupted(unreadable, journal, deps, {
        timeoutMs: UPDATE_DEFAULTS.bmcRebootMs,
        pollMs: pollMs ?? UPDATE_DEFAULTS.pollMs,
        onWait: (server, since, timeoutMs) =>
          view.update({
            server,
            step: 'an interrupted run left unfinished work',
            wait: { what: 'the BMC to answer again', since, timeoutMs },
          }),
      })
    : [];
  if (back.length > 0) {
    const again = await planFleet({ ...planInput, only: back }, deps);
    for (const p of again.plan.servers) plans.set(p.server, p);
  }
  const work = workList();
  const count = { label: 'update', unit: 'servers', total: work.length, startedAt: deps.clock.now() };
  let failed = 0;
  view.counter({ ...count, done: 0, failed });
  let report: FleetUpdateReport;
  try {
    report = await updateFleet(work, deps, {
      store,
      journal,
      imageServer: Object.assign(imageServer, {
        scheme: values['image-server-tls'] ? ('https' as const) : ('http' as const),
      }),
      method: prefer,
      ...(at ? { at } : {}),
      allowForceReset: Boolean(values['force-reset']),
      resetHost: !values['no-reset'],
      concurrency: intFlag('update', 'concurrency', values.concurrency, 4),
      ...(values['poll-ms']
        ? { timeouts: { pollMs: intFlag('update', 'poll-ms', values['poll-ms'], 5000) } }
        : {}),
      lockDir: state,
      // SIGINT/SIGTERM (cli/signals.ts): no new server starts; actions in flight end "interrupted".
      ...(deps.signal ? { signal: deps.signal } : {}),
      // Each server's last line comes from onServer, which sees every outcome.
      onEvent: (e) => {
        if (!e.step.startsWith('done: ')) view.update(e);
      },
      onServer: (r, done) => {
        const why = r.error ? `: ${r.error.message}` : '';
        view.update({ server: r.server, step: `done: ${r.outcome}${why}`, final: true });
        if (r.outcome === 'failed' || r.outcome === 'partial') failed++;
        view.counter({ ...count, done, failed });
      },
    });
  } finally {
    view.done();
    await imageServer.close();
  }
  await recordOutcomes(report, join(state, 'state.db'), deps);
  out.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderUpdateReport(report)}\n`);
  return report.failed > 0 ? EXIT.partial : EXIT.ok;
}

/**
 * Journals every server's outcome in the state store beside the executor's journal, where the
 * daemon (backup check after every update), the API and event webhooks see it. The executor's
 * own file journal stays the record of intents; this is the shared history.
 */
async function recordOutcomes(report: FleetUpdateReport, file: string, deps: Deps): Promise<void> {
  const changed = report.servers.filter((s) => s.outcome !== 'nothing-to-do');
  if (changed.length === 0) return;
  const store = await openStore({ sqlite: file }, deps);
  const actor = processActor('cli');
  try {
    for (const s of changed) {
      await store.append({
        actor,
        server: s.server,
        event: s.outcome === 'updated' ? 'update-verified' : 'update-failed',
        data: {
          outcome: s.outcome,
          actions: s.actions.map((a) => ({
            component: a.component,
            kind: a.kind,
            from: a.from,
            to: a.to,
            outcome: a.outcome,
            ...(a.method ? { method: a.method } : {}),
          })),
          ...(s.hostReset ? { hostReset: s.hostReset } : {}),
          ...(s.error ? { error: s.error } : {}),
        },
      });
    }
  } finally {
    await store.close();
  }
}

/** The final report: one row per action, then a summary line. */
export function renderUpdateReport(r: FleetUpdateReport): string {
  const rows: string[][] = [];
  for (const s of r.servers) {
    if (s.error && s.actions.length === 0) rows.push([s.server, '-', '', '', 'FAILED', s.error.message]);
    for (const a of s.actions) {
      rows.push([
        s.server,
        a.component,
        a.from,
        a.to,
        a.outcome === 'verified' ? 'ok' : 'FAILED',
        a.outcome === 'verified' ? `${a.method ?? ''} ${a.applyTime ?? ''}`.trim() : a.detail,
      ]);
    }
    if (s.hostReset) rows.push([s.server, '(host reset)', '', '', 'ok', s.hostReset]);
  }
  return [
    table(['SERVER', 'COMPONENT', 'FROM', 'TO', 'RESULT', 'DETAIL'], rows),
    '',
    `${r.updated} servers updated, ${r.failed} failed, ${r.unchanged} had nothing to do`,
  ].join('\n');
}
