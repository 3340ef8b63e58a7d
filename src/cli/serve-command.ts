/**
 * `firmwarden serve`: the HTTP API (and the dashboard) over the daemon config's store, fleet,
 * catalog and image store, until SIGINT/SIGTERM. A thin layer over src/api: the config's `api`
 * section says where to listen and which tokens may call.
 */
import { checkTransport, createApiApp, startApiServer, TokenRegistry } from '../api/index.ts';
import { loadDaemonConfig } from '../daemon/load-config.ts';
import { signalExitCode, watchShutdown } from '../daemon/shutdown.ts';
import type { Deps } from '../deps.ts';
import { ConfigError } from '../errors.ts';
import { openStore } from '../store/open-store.ts';
import { intFlag, parse } from './args.ts';
import { SERVE_HELP } from './command-help.ts';

export async function serveCommand(argv: string[], deps: Deps, out: NodeJS.WritableStream): Promise<number> {
  const { values } = parse('serve', argv, {
    config: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
  });
  if (!values.config) throw new ConfigError('firmwarden serve', `--config FILE is required\n\n${SERVE_HELP}`);
  const config = await loadDaemonConfig(values.config);
  if (!config.api) {
    throw new ConfigError(
      config.file,
      'api: missing; serve needs at least api.tokens (e.g. [{ name: ops, role: operator, tokenEnv: FIRMWARDEN_API_TOKEN }])',
    );
  }
  const api = {
    ...config.api,
    ...(values.host ? { host: values.host } : {}),
    port: intFlag('serve', 'port', values.port, config.api.port),
  };
  checkTransport(api, config.file);
  const tokens = await TokenRegistry.resolve(api.tokens, config.file);
  const store = await openStore(config.store, deps);
  const shutdown = watchShutdown();
  const app = createApiApp({ config: { ...config, api }, store, deps, tokens });
  try {
    const server = await startApiServer(app, {
      host: api.host,
      port: api.port,
      ...(api.tls ? { tls: api.tls } : {}),
    });
    out.write(
      `firmwarden serve: listening on ${server.url} (${tokens.size} tokens, dashboard at ${server.url}/); SIGINT or SIGTERM stops it\n`,
    );
    const signal = await shutdown.received;
    out.write(`firmwarden serve: ${signal}: stopping\n`);
    await server.close();
    return signalExitCode(signal);
  } finally {
    shutdown.dispose();
    await app.close();
    await store.close();
  }
}
