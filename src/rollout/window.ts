/**
 * Maintenance windows (pure): whether a time is inside one, and when the next one opens. Local
 * time of the firmwarden process, weekly days.
 */
import type { Window } from './spec.ts';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Openings of a window around `now` (the day before through 8 days ahead). */
function openings(w: Window, now: number): Array<[number, number]> {
  const [h, m] = w.start.split(':').map(Number) as [number, number];
  const out: Array<[number, number]> = [];
  for (let d = -8; d <= 8; d++) {
    const day = new Date(now);
    day.setDate(day.getDate() + d);
    day.setHours(h, m, 0, 0);
    if (w.days && !(w.days as string[]).includes(DAYS[day.getDay()] as string)) continue;
    out.push([day.getTime(), day.getTime() + w.durationMinutes * 60_000]);
  }
  return out;
}

/** True when `now` is inside any window (or when no windows are configured). */
export function inWindow(windows: Window[] | undefined, now: number): boolean {
  if (!windows || windows.length === 0) return true;
  return windows.some((w) => openings(w, now).some(([a, b]) => now >= a && now < b));
}

/** When the next window opens after `now` (undefined with no windows). */
export function nextOpening(windows: Window[] | undefined, now: number): number | undefined {
  if (!windows || windows.length === 0) return undefined;
  const next = windows.flatMap((w) => openings(w, now).map(([a]) => a)).filter((a) => a > now);
  return next.length ? Math.min(...next) : undefined;
}
