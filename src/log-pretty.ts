/**
 * The human form of a log line, for a terminal: `warn  sim-0001: plain http: … bmc=http://…`.
 * It reformats the JSON line pino has already serialized, so redaction (log.ts) has been applied
 * before a single character reaches this module: the pretty form cannot leak what JSON would not.
 */

/** pino's numeric levels → the word shown. */
const LEVEL_NAMES: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/** ANSI colours for the level word (only when the target is a terminal and NO_COLOR is unset). */
const LEVEL_COLOURS: Record<number, string> = { 40: '33', 50: '31', 60: '31' };

/** Fields every line has, or that are shown in front of the message, not as `key=value`. */
const HIDDEN = new Set(['level', 'time', 'app', 'pid', 'hostname', 'msg', 'component', 'server']);

/** A value longer than this is cut: the line stays short; --log-file keeps the whole record. */
const MAX_VALUE = 80;
/** What failed and why: shown whole after the message (cut, an error loses what to do about it). */
const WHY = new Set(['err', 'error', 'reason']);

/** Turns one JSON log line (pino's output) into one short human line, newline-terminated. */
export function prettyLine(json: string, colour = false): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const level = typeof rec['level'] === 'number' ? rec['level'] : 30;
  const word = (LEVEL_NAMES[level] ?? String(level)).padEnd(5);
  const tint = colour ? LEVEL_COLOURS[level] : undefined;
  const scope = [rec['component'], rec['server']].filter((v) => typeof v === 'string' && v).join(' ');
  const present = Object.entries(rec).filter(([k, v]) => !HIDDEN.has(k) && v !== undefined && v !== null);
  const why = present.filter(([k]) => WHY.has(k)).map(([, v]) => whyText(v));
  const fields = present.filter(([k]) => !WHY.has(k)).map(([k, v]) => `${k}=${valueText(v)}`);
  const msg = [typeof rec['msg'] === 'string' ? rec['msg'] : '', ...why].filter(Boolean).join(': ');
  const text = [`${scope ? `${scope}: ` : ''}${msg}`, ...fields].filter(Boolean).join(' ');
  return `${tint ? `\x1b[${tint}m${word}\x1b[0m` : word} ${oneLine(text)}\n`;
}

/** A field's value: strings bare unless they hold spaces, the rest as JSON; cut when long. */
function valueText(v: unknown): string {
  const s =
    typeof v === 'string' ? (/[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v) : JSON.stringify(v);
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s;
}

/** An error (pino's serialized form or a described string) as its message, unquoted. */
function whyText(v: unknown): string {
  if (typeof v === 'string') return v;
  const message = (v as { message?: unknown }).message;
  return typeof message === 'string' ? message : JSON.stringify(v);
}

/** A message with line breaks (a stack, a help text) would break the one-line rule. */
function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ⏎ ');
}
