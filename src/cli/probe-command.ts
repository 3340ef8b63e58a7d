/**
 * `firmwarden probe`: reads one BMC or a fleet and says what each service offers and what
 * firmwarden will do with it; changes nothing. `--record DIR` writes a redacted trace per server
 * for bug reports and offline replay. Exit 1 when some servers could not be probed.
 */
import type { Deps } from '../deps.ts';
import { ConfigError } from '../errors.ts';
import type { ResolvedServer } from '../fleet/load.ts';
import { DEFAULT_PROBE_CONCURRENCY, probeFleet } from '../probe/probe-fleet.ts';
import { EXIT, intFlag, parse } from './args.ts';
import { PROBE_HELP } from './command-help.ts';
import { loadFleet, SINGLE_BMC_OPTIONS, singleBmc } from './inventory-command.ts';
import { renderProbe } from './probe-render.ts';
import { progressBar } from './render.ts';

export async function probeCommand(argv: string[], deps: Deps, out: NodeJS.WritableStream): Promise<number> {
  const { values } = parse('probe', argv, {
    ...SINGLE_BMC_OPTIONS,
    fleet: { type: 'string' },
    server: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    record: { type: 'string' },
    concurrency: { type: 'string' },
    replay: { type: 'string' },
  });
  if (values.replay) {
    if (values.fleet || values.bmc)
      throw new ConfigError('firmwarden probe', '--replay takes no --fleet or --bmc');
    return replayProbe(values.replay, Boolean(values.json), deps, out);
  }
  let servers: ResolvedServer[];
  if (values.fleet) {
    if (values.bmc) throw new ConfigError('firmwarden probe', 'use --fleet or --bmc, not both');
    servers = await loadFleet(values.fleet);
    if (values.server?.length) {
      const wanted = new Set(values.server);
      const unknown = [...wanted].filter((n) => !servers.some((s) => s.name === n));
      if (unknown.length) {
        throw new ConfigError(
          values.fleet,
          `--server ${unknown.join(', ')}: no such server in the fleet file`,
        );
      }
      servers = servers.filter((s) => wanted.has(s.name));
    }
  } else if (values.bmc) {
    if (values.server?.length) throw new ConfigError('firmwarden probe', '--server needs --fleet');
    const { server: _server, ...flags } = values;
    servers = [await singleBmc(flags, 'probe')];
  } else {
    throw new ConfigError('firmwarden probe', `--fleet FILE or --bmc URL is required\n\n${PROBE_HELP}`);
  }
  const bar = progressBar('probe');
  const probe = await probeFleet(servers, deps, {
    concurrency: intFlag('probe', 'concurrency', values.concurrency, DEFAULT_PROBE_CONCURRENCY),
    ...(values.record ? { recordDir: values.record } : {}),
    onServer: (name, done, total) => bar.update(done, total, name),
  });
  bar.done();
  out.write(values.json ? `${JSON.stringify(probe, null, 2)}\n` : `${renderProbe(probe)}\n`);
  if (values.record) {
    // The log line is at info, off a terminal's console: a person asked for the traces, so say where.
    if (!values.json) out.write(`traces written to ${values.record}\n`);
    deps.logger.info({ dir: values.record }, 'probe traces written');
  }
  return probe.failed > 0 ? EXIT.partial : EXIT.ok;
}

/** Probes a replay of a recorded trace. */
async function replayProbe(
  file: string,
  json: boolean,
  deps: Deps,
  out: NodeJS.WritableStream,
): Promise<number> {
  // Only --replay needs these (a trace schema and an HTTP server): not loaded for a live probe.
  const [{ readTrace }, { startReplayServer }] = await Promise.all([
    import('../probe/trace.ts'),
    import('../probe/replay-server.ts'),
  ]);
  const trace = await readTrace(file);
  const replay = await startReplayServer(trace);
  try {
    const url = replay.url;
    // The trace holds no credentials; the replay answers the recorded login whatever is sent.
    const server: ResolvedServer = {
      name: trace.server,
      bmc: url,
      labels: {},
      client: {
        url,
        name: trace.server,
        allowHttp: true,
        credentials: { username: 'replay', password: 'replay' },
      },
    };
    const probe = await probeFleet([server], deps);
    const report = probe.servers[0];
    // The replay is plain http: the TLS shown is the one recorded from the BMC.
    if (trace.tls && report && !('error' in report))
      report.tls = { ...trace.tls, trust: `recorded: ${trace.tls.trust}` };
    if (replay.unmatched.length) {
      deps.logger.warn({ unmatched: replay.unmatched }, 'requests the trace does not answer (404)');
    }
    out.write(json ? `${JSON.stringify(probe, null, 2)}\n` : `${renderProbe(probe)}\n`);
    return probe.failed > 0 ? EXIT.partial : EXIT.ok;
  } finally {
    await replay.close();
  }
}
