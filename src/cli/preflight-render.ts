/** The `update --dry-run` pre-flight as a table: one row per check, then a verdict line. */
import type { FleetPreflight } from '../probe/preflight.ts';
import { table } from './render.ts';

/** One row per server and check (FAIL in capitals so it stands out), then the verdict. */
export function renderPreflight(p: FleetPreflight): string {
  const rows = p.servers.flatMap((s) =>
    s.checks.map((c) => [s.server, c.check, c.component ?? '', c.ok ? 'ok' : 'FAIL', c.detail]),
  );
  const verdict = p.ok
    ? `pre-flight passed on ${p.servers.length} servers; nothing was changed`
    : `pre-flight failed on ${p.failed} of ${p.servers.length} servers; nothing was changed`;
  return `${table(['SERVER', 'CHECK', 'COMPONENT', 'RESULT', 'DETAIL'], rows)}\n\n${verdict}`;
}
