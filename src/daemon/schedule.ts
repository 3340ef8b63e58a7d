/**
 * Job schedules: a cron expression ("*\/15 * * * *", six fields for seconds), a clock-aligned
 * phrase in later.js text ("every 15 minutes", "at 03:00", "every weekday at 22:00"), or a fixed
 * interval ("90 minutes", "30s"). Parsed with bree's own parser (the one that will schedule the
 * job), plus the checks bree leaves out: later.js stops reading at the first word it does not
 * know and keeps what it read ("every day at 03:00" would run on the 1st of each month), and it
 * folds "every 90 minutes" into "every hour".
 */
import Bree from 'bree';

/** A schedule bree runs: cron, a later.js text schedule, or a fixed interval. */
export type Schedule =
  | { kind: 'cron'; text: string; hasSeconds: boolean }
  | { kind: 'text'; text: string }
  | { kind: 'interval'; text: string; ms: number };

/** Schedule limits; every default in one block. */
export const SCHEDULE_LIMITS = {
  /** Shortest fixed interval: each run starts a worker thread and opens the store. */
  minIntervalMs: 1_000,
} as const;

// A parser-only instance: bree's parseValue and validateJob are the code that schedules jobs.
const parser = new Bree({ root: false, doRootCheck: false, logger: false, jobs: [] });

/** Cron fields: digits, ranges, steps, lists, and the L W # ? extensions cron-validate knows. */
const CRON_FIELD = /^[\d*/,?LW#-]+$/;
const UNIT_RANGE: Record<string, number> = { second: 59, minute: 59, hour: 23 };

/**
 * True when the text is meant as cron: 5 or 6 fields, the first of cron characters (phrases start
 * with a word: "every", "at", "on"). Names like MON then get cron-validate's own message.
 */
export function looksLikeCron(text: string): boolean {
  const fields = text.trim().split(/\s+/);
  return (fields.length === 5 || fields.length === 6) && CRON_FIELD.test(fields[0] as string);
}

/** Parses a schedule; throws an Error whose message says what is wrong (no file or field). */
export async function parseSchedule(text: string): Promise<Schedule> {
  const trimmed = text.trim();
  if (trimmed === '') throw new Error('empty schedule');
  if (looksLikeCron(trimmed)) {
    const hasSeconds = trimmed.split(/\s+/).length === 6;
    try {
      await parser.validateJob({ name: 'schedule', path: () => {}, cron: trimmed, hasSeconds }, 0, [], {
        ...parser.config,
        jobs: [],
      });
    } catch (err) {
      throw new Error(
        `not a valid cron expression ${JSON.stringify(trimmed)}: ${cronReason(err)}` +
          ' (5 fields, or 6 with seconds first; numbers only, no MON/JAN names)',
      );
    }
    return { kind: 'cron', text: trimmed, hasSeconds };
  }
  checkEvery(trimmed);
  let value: ReturnType<typeof parser.parseValue>;
  try {
    value = parser.parseValue(trimmed);
  } catch {
    throw new Error(
      `not a schedule: ${JSON.stringify(trimmed)}; expected a cron expression ("0 3 * * *"), a clock phrase ("every 15 minutes", "at 03:00") or an interval ("90 minutes", "30s")`,
    );
  }
  if (typeof value === 'number') {
    if (value < SCHEDULE_LIMITS.minIntervalMs) {
      throw new Error(`interval ${JSON.stringify(trimmed)} is shorter than 1 second`);
    }
    return { kind: 'interval', text: trimmed, ms: value };
  }
  const error = (value as { error?: unknown }).error;
  if (typeof error === 'number' && error >= 0) {
    throw new Error(
      `schedule ${JSON.stringify(trimmed)} is not understood from character ${error + 1} (${JSON.stringify(trimmed.slice(error))}); see https://breejs.github.io/later/parsers.html#text`,
    );
  }
  return { kind: 'text', text: trimmed };
}

/** "every N units" with N out of the unit's clock range: later.js would silently misread it. */
function checkEvery(text: string): void {
  const m = /^every\s+(\d+)\s+(second|minute|hour)s?\b/i.exec(text);
  if (!m) return;
  const n = Number(m[1]);
  const unit = (m[2] as string).toLowerCase();
  const max = UNIT_RANGE[unit] as number;
  if (n < 1) throw new Error(`"${m[0]}": the count must be at least 1`);
  if (n > max) {
    throw new Error(
      `"${m[0]}" does not fit the clock (1-${max} ${unit}s); use a fixed interval like "${n} ${unit}s" or a cron expression`,
    );
  }
}

/** cron-validate's first message, without bree's "Job #1 named ..." prefix. */
function cronReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/^.*?had an invalid cron pattern:\s*/s, '').split('\n')[0] ?? message;
}

/** The fields of a bree job that schedule it. */
export function breeTiming(schedule: Schedule): {
  cron?: string;
  hasSeconds?: boolean;
  interval?: string | number;
} {
  switch (schedule.kind) {
    case 'cron':
      return { cron: schedule.text, hasSeconds: schedule.hasSeconds };
    case 'text':
      return { interval: schedule.text };
    case 'interval':
      return { interval: schedule.ms };
  }
}
