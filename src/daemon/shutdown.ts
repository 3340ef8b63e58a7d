/** SIGINT/SIGTERM as an AbortSignal, for the daemon and `daemon --once`. */

export const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface ShutdownWatch {
  /** Aborted (reason: the signal name) at the first SIGINT or SIGTERM. */
  signal: AbortSignal;
  /** Resolves with the signal name. */
  received: Promise<string>;
  /** Removes the handlers (the default action, exiting, applies again); done by the first signal. */
  dispose(): void;
}

/** Exit code after a stop a signal asked for (shell convention: 128 + signal number). */
export function signalExitCode(name: string): number {
  return name === 'SIGINT' ? 130 : 143;
}

/** Listens for the first SIGINT/SIGTERM (until disposed). */
export function watchShutdown(): ShutdownWatch {
  const controller = new AbortController();
  let resolve!: (name: string) => void;
  const received = new Promise<string>((r) => {
    resolve = r;
  });
  const dispose = () => {
    for (const s of SHUTDOWN_SIGNALS) process.off(s, handler);
  };
  // Only the first signal is graceful: a second one gets the default action and ends the process.
  const handler = (name: NodeJS.Signals) => {
    dispose();
    controller.abort(name);
    resolve(name);
  };
  for (const s of SHUTDOWN_SIGNALS) process.on(s, handler);
  return { signal: controller.signal, received, dispose };
}
