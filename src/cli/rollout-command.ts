/**
 * `firmwarden rollout start|list|status|pause|resume|abort`: a fleet upgrade in waves, driven from the
 * state store so it survives crashes (run `resume` after a kill) and can be paused or aborted from
 * another terminal. A thin layer over src/rollout.
 *
 * Exit codes: start and resume 0 only when the rollout is completed (every server at target, also
 * when it was already); 1 when it stopped paused (failure budget or a pause request), aborted, or
 * with a failed server. status 1 for a paused or aborted rollout or a failed server, 0 otherwise
 * (pending, running or completed). pause and abort 0 when done; 2 for bad input.
 */
import { join } from 'node:path';
import { stepCounts } from '../api/routes/rollout-routes.ts';
import { type DaemonConfig, loadDaemonConfig } from '../daemon/load-config.ts';
import type { Deps } from '../deps.ts';
import { ConfigError, FirmwardenError } from '../errors.ts';
import type { RolloutEvent } from '../rollout/context.ts';
import { createRollout } from '../rollout/create.ts';
import { driveRollout } from '../rollout/driver.ts';
import { waveHeader } from '../rollout/progress.ts';
import { loadSpec } from '../rollout/spec.ts';
import { openStore } from '../store/open-store.ts';
import { processActor } from '../store/store-journal.ts';
import type { ActingVersionRecord, RolloutRecord, RolloutServerRecord, Store } from '../store/types.ts';
import { EXIT, parse } from './args.ts';
import { ROLLOUT_HELP } from './command-help.ts';
import { cut, terminalColumns } from './fit-columns.ts';
import { progressView } from './progress-view.ts';
import { table } from './render.ts';

export async function rolloutCommand(
  argv: string[],
  deps: Deps,
  out: NodeJS.WritableStream,
): Promise<number> {
  const [sub, ...rest] = argv;
  const { values } = parse(`rollout ${sub ?? ''}`.trim(), rest, {
    spec: { type: 'string' },
    id: { type: 'string' },
    state: { type: 'string' },
    config: { type: 'string' },
    json: { type: 'boolean' },
    'no-drive': { type: 'boolean' },
    'retry-failed': { type: 'boolean' },
  });
  if (values.config !== undefined && values.state !== undefined)
    throw new ConfigError('firmwarden rollout', 'give --state DIR or --config FILE, not both');
  // A daemon config names the store (SQLite or the shared PostgreSQL) and, in a cluster, how this
  // process joins a rollout as one more instance.
  const config = values.config !== undefined ? await loadDaemonConfig(values.config) : undefined;
  const state = config?.stateDir ?? values.state ?? '.firmwarden';
  const store = await openStore(config ? config.store : { sqlite: join(state, 'state.db') }, deps);
  const cluster = config?.cluster;
  try {
    switch (sub) {
      case 'start': {
        if (!values.spec)
          throw new ConfigError('firmwarden rollout start', `--spec FILE is required\n\n${ROLLOUT_HELP}`);
        const record = await createRollout(
          store,
          await loadSpec(values.spec),
          values.id ? { id: values.id } : {},
        );
        if (!values.json) out.write(`rollout ${record.id} created\n`);
        if (values['no-drive']) return await report(store, record.id, out, Boolean(values.json));
        return await drive(store, record.id, deps, state, out, Boolean(values.json), cluster);
      }
      case 'resume': {
        const id = requireId(values.id, 'resume');
        if (values['retry-failed']) {
          for (const s of await store.rolloutServers(id)) {
            if (s.step === 'failed')
              await store.setServerStep(id, s.server, ['failed'], 'pending', { retried: true });
          }
        }
        return await drive(store, id, deps, state, out, Boolean(values.json), cluster);
      }
      case 'list':
        return await list(store, out, Boolean(values.json));
      case 'status':
        return await report(store, values.id ?? (await latest(store)), out, Boolean(values.json));
      case 'pause':
      case 'abort': {
        const id = requireId(values.id, sub);
        const to = sub === 'pause' ? 'paused' : 'aborted';
        const from: RolloutRecord['status'][] =
          sub === 'pause' ? ['pending', 'running'] : ['pending', 'running', 'paused'];
        if (!(await store.setRolloutStatus(id, from, to, `${sub} requested by ${processActor('cli')}`))) {
          const r = await store.getRollout(id);
          throw new ConfigError(
            `firmwarden rollout ${sub}`,
            r ? `rollout ${id} is ${r.status}` : `no rollout ${id}`,
          );
        }
        await store.append({ actor: processActor('cli'), rolloutId: id, event: `rollout-${sub}-requested` });
        out.write(
          `rollout ${id} ${to}; a running driver stops starting servers and finishes the ones in flight\n`,
        );
        return EXIT.ok;
      }
      default:
        throw new ConfigError(
          'firmwarden rollout',
          `unknown subcommand ${JSON.stringify(sub ?? '')}\n\n${ROLLOUT_HELP}`,
        );
    }
  } finally {
    await store.close();
  }
}

/** Server steps after which a server is finished for this drive. */
const FINISHED = new Set(['done', 'skipped', 'failed']);

/**
 * A drive's events in the live view: a line per server in flight (waits against their deadline),
 * a header when a wave begins, and the counter line with an ETA from this drive's own pace.
 */
export function liveView(view: ReturnType<typeof progressView>, id: string, startedAt: number) {
  let doneBefore: number | undefined;
  let wave: number | undefined;
  return (e: RolloutEvent) => {
    if (e.type === 'server')
      view.update({
        server: e.server,
        step: e.detail ? `${e.step}: ${e.detail}` : e.step,
        // The detail already says what is waited for.
        ...(e.wait ? { wait: { since: e.wait.since, timeoutMs: e.wait.timeoutMs } } : {}),
        ...(FINISHED.has(e.step) ? { final: true } : {}),
      });
    else if (e.type === 'rollout')
      view.update({
        server: '(rollout)',
        step: `${e.status}${e.note ? `: ${e.note}` : ''}`,
        ...(e.wait ? { wait: e.wait } : {}),
      });
    else if (e.type === 'progress') {
      if (e.wave && e.wave.number !== wave) view.note(waveHeader(e.wave));
      wave = e.wave?.number;
      // Servers finished by an earlier drive say nothing about this one's pace.
      doneBefore ??= e.done;
      view.counter({
        label: `rollout ${id}`,
        unit: 'servers',
        total: e.total,
        done: e.done,
        failed: e.failed,
        startedAt,
        doneBefore,
      });
    }
  };
}

async function drive(
  store: Store,
  id: string,
  deps: Deps,
  state: string,
  out: NodeJS.WritableStream,
  json: boolean,
  cluster?: DaemonConfig['cluster'],
) {
  const before = await store.getRollout(id);
  if (before?.status === 'aborted') {
    // Nothing to drive: say so instead of a silent status view (an aborted rollout stays aborted).
    if (json) await report(store, id, out, json);
    else out.write(`rollout ${id} is aborted${before.note ? ` (${before.note})` : ''}: nothing to resume\n`);
    return EXIT.partial;
  }
  const view = progressView(deps.progress, { now: deps.clock.now, quiet: json });
  try {
    await driveRollout(id, deps, {
      store,
      stateDir: state,
      ...(cluster
        ? { cluster, ...(cluster.leaseTtlMs !== undefined ? { leaseTtlMs: cluster.leaseTtlMs } : {}) }
        : {}),
      // SIGINT/SIGTERM (cli/signals.ts): no new server starts; those in flight stop, left resumable.
      ...(deps.signal ? { signal: deps.signal } : {}),
      onEvent: liveView(view, id, deps.clock.now()),
    });
  } finally {
    view.done();
  }
  const code = await report(store, id, out, json);
  // Asked to drive it to the end: anything short of completed (paused, aborted, stopped outside
  // the windows) is not what was asked, even when no server failed.
  return (await store.getRollout(id))?.status === 'completed' ? code : EXIT.partial;
}

/** Exit code of a rollout's state: 1 when it is paused or aborted or a server failed, else 0. */
export function rolloutExitCode(rollout: RolloutRecord, servers: RolloutServerRecord[]): number {
  if (rollout.status === 'paused' || rollout.status === 'aborted') return EXIT.partial;
  return servers.some((s) => s.step === 'failed') ? EXIT.partial : EXIT.ok;
}

async function report(store: Store, id: string, out: NodeJS.WritableStream, json: boolean): Promise<number> {
  const rollout = await store.getRollout(id);
  if (!rollout) throw new ConfigError('firmwarden rollout', `no rollout ${id}`);
  const servers = await store.rolloutServers(id);
  const acting = await store.actingVersions(id);
  if (json) {
    out.write(`${JSON.stringify({ rollout, servers, acting }, null, 2)}\n`);
  } else {
    out.write(`${renderStatus(rollout, servers, acting, terminalColumns(out))}\n`);
  }
  return rolloutExitCode(rollout, servers);
}

/**
 * Status view: the rollout, its servers by wave, and the acting version per component line, named
 * as humans read them (the keys are in `--json`). `width`: the terminal's columns, long cells cut.
 */
export function renderStatus(
  r: RolloutRecord,
  servers: RolloutServerRecord[],
  acting: ActingVersionRecord[],
  width?: number,
): string {
  const counts = new Map<string, number>();
  for (const s of servers) counts.set(s.step, (counts.get(s.step) ?? 0) + 1);
  const lines = [
    `rollout ${r.id} (${r.name}): ${r.status}${r.note ? ` — ${r.note}` : ''}`,
    `servers: ${[...counts].map(([k, v]) => `${v} ${k}`).join(', ')}`,
    '',
    table(
      ['WAVE', 'SERVER', 'STEP', 'ATTEMPTS', 'DETAIL'],
      servers.map((s) => [String(s.wave), s.server, s.step, String(s.attempts), detailText(s.detail)]),
      { maxWidth: width, shrink: [4] },
    ),
  ];
  if (acting.length) {
    // By kind, then name; the highest version only where a line is behind (else it is the target).
    const sorted = [...acting].sort(
      (a, b) => a.kind.localeCompare(b.kind) || (a.name ?? a.line).localeCompare(b.name ?? b.line),
    );
    lines.push(
      '',
      'acting version per component line (lowest installed across the rollout):',
      table(
        ['LINE', 'ACTING', 'TARGET', 'AT TARGET'],
        sorted.map((a) => [
          // The name says the kind ("iLO 5 (BMC, …)"); rows recorded before names show the key.
          a.name ?? a.line,
          a.lowest ?? '?',
          a.target ?? '',
          a.converged ? 'yes' : `no${a.highest && a.highest !== a.lowest ? ` (highest ${a.highest})` : ''}`,
        ]),
        { maxWidth: width, shrink: [0, 1, 2, 3] },
      ),
    );
  }
  return lines.join('\n');
}

/** Every rollout, newest first, with its servers by step: what GET /api/v1/rollouts lists. */
async function list(store: Store, out: NodeJS.WritableStream, json: boolean): Promise<number> {
  const all = (await store.listRollouts()).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const rollouts = [];
  for (const r of all) {
    const servers = await store.rolloutServers(r.id);
    // The spec (paths, hook URLs) is in `rollout status --json` only, as in the API.
    const { spec: _spec, ...record } = r;
    rollouts.push({ ...record, servers: servers.length, steps: stepCounts(servers) });
  }
  if (json) out.write(`${JSON.stringify({ rollouts }, null, 2)}\n`);
  else if (rollouts.length === 0) out.write('no rollouts yet: firmwarden rollout start --spec FILE\n');
  else
    out.write(
      `${table(
        ['ID', 'NAME', 'STATUS', 'CREATED', 'UPDATED', 'SERVERS', 'BY STEP', 'NOTE'],
        rollouts.map((r) => [
          r.id,
          r.name,
          r.status,
          r.createdAt,
          r.updatedAt,
          String(r.servers),
          Object.entries(r.steps)
            .map(([k, v]) => `${v} ${k}`)
            .join(', '),
          (r.note ?? '').slice(0, 80),
        ]),
      )}\n`,
    );
  return EXIT.ok;
}

/** A failed step's detail as text: the error (its code first), or the reason, cut to a table cell. */
function detailText(d: unknown): string {
  if (!d || typeof d !== 'object') return '';
  const o = d as Record<string, unknown>;
  return cut(String(o['error'] ?? o['reason'] ?? ''), DETAIL_MAX);
}

/** What a piped status keeps of a detail; `--json` has it whole. */
const DETAIL_MAX = 90;

function requireId(id: string | undefined, sub: string): string {
  if (!id) throw new ConfigError(`firmwarden rollout ${sub}`, '--id ID is required');
  return id;
}

async function latest(store: Store): Promise<string> {
  const all = await store.listRollouts();
  const last = all.at(-1);
  if (!last)
    throw new FirmwardenError('FW_ERR_CONFIG', 'no rollouts yet: firmwarden rollout start --spec FILE');
  return last.id;
}
