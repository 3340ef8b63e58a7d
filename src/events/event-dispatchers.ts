/**
 * Starts one dispatcher per configured webhook on a store (the daemon does this beside its
 * scheduler) and stops them together. Secrets are passed in already read (`webhookSecrets`), so a
 * missing one fails the daemon's start before anything runs.
 */
import type { Deps } from '../deps.ts';
import type { Store } from '../store/types.ts';
import { WebhookDispatcher } from './dispatcher.ts';
import type { EventsConfig } from './events-config.ts';

export interface EventDispatchers {
  readonly dispatchers: WebhookDispatcher[];
  /** Stops every loop and releases their leases. */
  stop(): Promise<void>;
}

export function startEventDispatchers(
  config: EventsConfig,
  secrets: Map<string, string>,
  store: Store,
  deps: Deps,
  actor: string,
): EventDispatchers {
  const dispatchers = config.webhooks.map(
    (sink) =>
      new WebhookDispatcher({
        store,
        deps,
        sink,
        secret: secrets.get(sink.name) ?? '',
        actor,
        pollMs: config.pollMs,
        ...(config.source !== undefined ? { source: config.source } : {}),
      }),
  );
  for (const d of dispatchers) d.start();
  return {
    dispatchers,
    stop: async () => {
      await Promise.all(dispatchers.map((d) => d.stop()));
    },
  };
}
