/**
 * Output of the action commands (`bmc`, `host`): one row per server (or one JSON document) and
 * the exit code: 0 when every server did what was asked, 1 when some did not.
 */
import type { ServerReport } from '../actions/each-server.ts';
import { EXIT } from './args.ts';
import { table } from './render.ts';

/** Writes the reports and returns the exit code. `detail` says in a few words what a server did. */
export function writeReports<T>(
  out: NodeJS.WritableStream,
  action: string,
  reports: Array<ServerReport<T>>,
  json: boolean,
  detail: (result: T) => { result: string; detail: string },
): number {
  const failed = reports.filter((r) => r.error).length;
  if (json) {
    out.write(`${JSON.stringify({ action, servers: reports, failed }, null, 2)}\n`);
  } else {
    const rows = reports.map((r) => {
      if (r.error) return [r.server, r.vendor ?? '', 'failed', `${r.error.code} ${r.error.message}`];
      const d = detail(r.result as T);
      return [r.server, r.vendor ?? '', d.result, d.detail];
    });
    out.write(`${table(['SERVER', 'VENDOR', 'RESULT', 'DETAIL'], rows)}\n\n`);
    out.write(`${action}: ${reports.length - failed} of ${reports.length} servers done, ${failed} failed\n`);
  }
  return failed > 0 ? EXIT.partial : EXIT.ok;
}
