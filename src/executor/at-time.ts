/**
 * Parses the user's start time for `--at`: "03:00" (the next 03:00 from now, local time),
 * "2026-11-23T03:00" or a full ISO 8601 time with offset. Pure: `now` is passed in.
 */
import { ConfigError } from '../errors.ts';

export function parseAtTime(text: string, now: number, source = '--at'): Date {
  const hm = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (hm) {
    const [h, m] = [Number(hm[1]), Number(hm[2])];
    if (h > 23 || m > 59)
      throw new ConfigError(source, `${JSON.stringify(text)} is not a time of day (HH:MM)`);
    const at = new Date(now);
    at.setHours(h, m, 0, 0);
    if (at.getTime() <= now) at.setDate(at.getDate() + 1);
    return at;
  }
  const t = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text.trim()) || Number.isNaN(t)) {
    throw new ConfigError(source, `expected HH:MM or an ISO 8601 date-time, got ${JSON.stringify(text)}`);
  }
  if (t <= now) throw new ConfigError(source, `${text} is in the past`);
  return new Date(t);
}
