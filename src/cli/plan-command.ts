/**
 * `firmwarden plan`: sweep a fleet, load a catalog (and a policy), and print for every server the
 * ordered decisions with their reasons and the fleet's compliance, or one JSON document. Exit 0
 * when planned (upgrades pending or not), 1 when some servers could not be read, 2 bad input.
 */
import { complianceRows, toCsv } from '../api/compliance-export.ts';
import type { Deps } from '../deps.ts';
import { ConfigError } from '../errors.ts';
import { planFleet } from '../fleet/plan-fleet.ts';
import { DEFAULT_SWEEP_CONCURRENCY } from '../inventory/sweep.ts';
import { EXIT, intFlag, parse } from './args.ts';
import { PLAN_HELP } from './command-help.ts';
import { terminalColumns } from './fit-columns.ts';
import { sweepProgress } from './fleet-progress.ts';
import { renderPlan } from './plan-render.ts';
import { SELECT_OPTIONS, selectionOf } from './select-flags.ts';

const COMMAND = 'plan';

export async function planCommand(argv: string[], deps: Deps, out: NodeJS.WritableStream): Promise<number> {
  const { values } = parse(COMMAND, argv, {
    fleet: { type: 'string' },
    catalog: { type: 'string' },
    policy: { type: 'string' },
    'base-url': { type: 'string' },
    json: { type: 'boolean' },
    export: { type: 'string' },
    concurrency: { type: 'string' },
    ...SELECT_OPTIONS,
    wide: { type: 'boolean' },
  });
  if (!values.fleet || !values.catalog) {
    throw new ConfigError(
      `firmwarden ${COMMAND}`,
      `--fleet FILE and --catalog FILE are required\n\n${PLAN_HELP}`,
    );
  }
  if (values.export !== undefined && values.export !== 'csv' && values.export !== 'json') {
    throw new ConfigError(
      `firmwarden ${COMMAND}`,
      `--export expects csv or json, got ${JSON.stringify(values.export)}`,
    );
  }
  const { only, ...select } = selectionOf(COMMAND, values, false);
  // Quiet off a terminal for every machine-readable output (--json, --export).
  const progress = sweepProgress(`${COMMAND} (inventory)`, {
    clock: deps.clock,
    stream: deps.progress,
    json: Boolean(values.json || values.export),
  });
  const planned = await planFleet(
    {
      fleetFile: values.fleet,
      catalogFile: values.catalog,
      ...(values.policy ? { policyFile: values.policy } : {}),
      ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}),
      ...(only ? { only } : {}),
      select,
      sweep: {
        concurrency: intFlag(COMMAND, 'concurrency', values.concurrency, DEFAULT_SWEEP_CONCURRENCY),
        onServer: (s, done, total) => progress.server(done, total, !s.error),
      },
    },
    deps,
  ).finally(() => progress.done());
  if (values.export === 'csv') out.write(toCsv(complianceRows(planned.plan)));
  else if (values.export === 'json') out.write(`${JSON.stringify(complianceRows(planned.plan), null, 2)}\n`);
  else
    out.write(
      values.json
        ? `${JSON.stringify(planned.plan, null, 2)}\n`
        : `${renderPlan(planned.plan, terminalColumns(out, values.wide))}\n`,
    );
  return planned.inventory.failed > 0 ? EXIT.partial : EXIT.ok;
}
