/**
 * Compliance export: one row per installed component of every server (and one per unreadable
 * server) with its compliance, decision, target and reason, as CSV (RFC 4180) or JSON rows. For
 * spreadsheets and audits; the same rows come from `GET /api/v1/compliance/export` and
 * `firmwarden plan --export csv`. Pure: plan in, rows or text out.
 */
import type { Plan } from '../planner/index.ts';

export interface ExportRow {
  server: string;
  bmc: string;
  vendor: string;
  model: string;
  kind: string;
  component: string;
  installed: string;
  compliance: string;
  decision: string;
  target: string;
  line: string;
  reason: string;
}

export const EXPORT_COLUMNS: ReadonlyArray<keyof ExportRow> = [
  'server',
  'bmc',
  'vendor',
  'model',
  'kind',
  'component',
  'installed',
  'compliance',
  'decision',
  'target',
  'line',
  'reason',
];

/** The rows of a plan, server by server in plan order. */
export function complianceRows(plan: Plan): ExportRow[] {
  const rows: ExportRow[] = [];
  for (const s of plan.servers) {
    for (const d of s.decisions) {
      rows.push({
        server: s.server,
        bmc: s.bmc,
        vendor: s.vendor,
        model: s.model ?? '',
        kind: d.component?.kind ?? '',
        component: d.component?.name ?? '',
        installed: d.component?.version ?? '',
        compliance: d.compliance,
        decision: d.decision,
        target: d.target?.version ?? '',
        line: d.line ?? '',
        reason: d.reason,
      });
    }
  }
  return rows;
}

/**
 * One CSV field: quoted when it holds a comma, quote or line break (RFC 4180). A field a
 * spreadsheet would run as a formula (starting with = + - @ or a tab/CR) gets a leading
 * apostrophe (OWASP CSV injection): version strings and reasons come from BMCs and catalogs.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The rows as CSV text with a header row and CRLF line ends. */
export function toCsv(rows: readonly ExportRow[]): string {
  const lines = [EXPORT_COLUMNS.join(',')];
  for (const r of rows) lines.push(EXPORT_COLUMNS.map((c) => csvField(r[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
