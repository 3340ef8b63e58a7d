/**
 * Rollout progress for the dashboard: the store's per-server steps folded into four numbers a
 * progress bar can draw (done, failed, updating, pending), per rollout and per wave, plus the
 * acting versions the driver last recorded. Unfinished rollouts come first: they are what an
 * operator watches.
 */
import type { ActingVersionRecord, RolloutRecord, RolloutServerRecord, ServerStep } from '../store/types.ts';
import type { DashboardProgress, DashboardRollout } from './dashboard-data.ts';

/** A rollout as the store holds it: the record, its servers and the newest acting versions. */
export interface RolloutInput {
  rollout: RolloutRecord;
  servers: readonly RolloutServerRecord[];
  acting?: readonly ActingVersionRecord[];
}

const GROUP: Record<ServerStep, keyof Omit<DashboardProgress, 'total'>> = {
  pending: 'pending',
  claimed: 'updating',
  drained: 'updating',
  updating: 'updating',
  verifying: 'updating',
  done: 'done',
  skipped: 'done',
  failed: 'failed',
};

const FINISHED = new Set(['completed', 'aborted']);
const MAX_FAILED = 20;
const MAX_DETAIL = 200;

function empty(): DashboardProgress {
  return { total: 0, done: 0, failed: 0, updating: 0, pending: 0 };
}

/**
 * The store keeps a step's detail as JSON; it reads best as "code: message". The rollout driver
 * writes `{ error: "FW_ERR_…: message", code, leftDrained }` (rollout/server-step.ts), an API or
 * older record `{ code, message }`; only a shape neither has is shown as JSON.
 */
function detailText(detail: unknown): string | undefined {
  if (detail === undefined || detail === null) return undefined;
  let text: string;
  if (typeof detail === 'string') text = detail;
  else if (typeof detail === 'object' && typeof messageOf(detail) === 'string') {
    const message = messageOf(detail) as string;
    const { code } = detail as { code?: unknown };
    text = typeof code === 'string' && !message.startsWith(code) ? `${code}: ${message}` : message;
  } else text = JSON.stringify(detail);
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}

const messageOf = (o: object): unknown => {
  const { message, error, reason } = o as { message?: unknown; error?: unknown; reason?: unknown };
  return [message, error, reason].find((m) => typeof m === 'string');
};

/** One rollout's progress. */
export function rolloutProgress(input: RolloutInput): DashboardRollout {
  const { rollout } = input;
  const progress = empty();
  const waves = new Map<number, DashboardProgress>();
  const failed: DashboardRollout['failed'] = [];
  for (const s of input.servers) {
    const group = GROUP[s.step] ?? 'pending';
    progress.total++;
    progress[group]++;
    const w = waves.get(s.wave) ?? empty();
    waves.set(s.wave, w);
    w.total++;
    w[group]++;
    if (s.step === 'failed') {
      const detail = detailText(s.detail);
      failed.push({ server: s.server, ...(detail === undefined ? {} : { detail }) });
    }
  }
  failed.sort((a, b) => a.server.localeCompare(b.server));
  const byWave = [...waves].sort(([a], [b]) => a - b).map(([wave, p]) => ({ wave, ...p }));
  const current = byWave.find((w) => w.done < w.total);
  return {
    id: rollout.id,
    name: rollout.name,
    status: rollout.status,
    ...(rollout.note === undefined ? {} : { note: rollout.note }),
    createdAt: rollout.createdAt,
    updatedAt: rollout.updatedAt,
    progress,
    waves: byWave,
    ...(current === undefined ? {} : { currentWave: current.wave }),
    failed: failed.slice(0, MAX_FAILED),
    acting: (input.acting ?? [])
      .map((a) => ({
        kind: a.kind,
        line: a.line,
        // The recorded name; buildDashboardData puts the current plan's label over it when known.
        ...(a.name === undefined ? {} : { label: a.name }),
        ...(a.lowest === undefined ? {} : { lowest: a.lowest }),
        ...(a.target === undefined ? {} : { target: a.target }),
        converged: a.converged,
      }))
      .sort((a, b) => a.kind.localeCompare(b.kind) || a.line.localeCompare(b.line)),
  };
}

/** Unfinished rollouts first, then newest first; at most `limit`. */
export function rolloutsProgress(inputs: readonly RolloutInput[], limit: number): DashboardRollout[] {
  const rank = (r: RolloutRecord) => (FINISHED.has(r.status) ? 1 : 0);
  return [...inputs]
    .sort(
      (a, b) =>
        rank(a.rollout) - rank(b.rollout) ||
        b.rollout.updatedAt.localeCompare(a.rollout.updatedAt) ||
        a.rollout.id.localeCompare(b.rollout.id),
    )
    .slice(0, limit)
    .map(rolloutProgress);
}

/** Server → step in the first unfinished rollout, for steps worth marking on the heatmap. */
export function inFlightSteps(inputs: readonly RolloutInput[]): Map<string, ServerStep> {
  const out = new Map<string, ServerStep>();
  const open = inputs
    .filter((i) => !FINISHED.has(i.rollout.status))
    .sort((a, b) => b.rollout.updatedAt.localeCompare(a.rollout.updatedAt));
  for (const input of open) {
    for (const s of input.servers) {
      if (out.has(s.server) || GROUP[s.step] === 'done' || s.step === 'pending') continue;
      out.set(s.server, s.step);
    }
  }
  return out;
}
