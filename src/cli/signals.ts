/**
 * Ctrl-C and SIGTERM for the commands that talk to BMCs. The first signal aborts `deps.signal`
 * (commands start no new work; executor outcomes are journaled as "interrupted") and makes every
 * `deps.clock.sleep` end at once, so polling loops unwind through their finally blocks: sessions
 * logged out, outcomes written. If that takes longer than the grace, every session still open is
 * logged out and the process exits; a second signal exits at once (the session ledger lets the
 * next run delete what was left). Exit code 128 + signal number: 130 SIGINT, 143 SIGTERM.
 * `daemon`, `serve` and `simulate` handle their own signals (a configured shutdown grace).
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock, Deps } from '../deps.ts';
import { describeError, InterruptedError } from '../errors.ts';
import { SessionLedger } from '../redfish/session-ledger.ts';
import { writeAboveLive } from './live-region.ts';

/** Exit codes of a run ended by a signal (shell convention: 128 + signal number). */
export const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

export const SIGNAL_DEFAULTS = {
  /** From the first signal until sessions are logged out by force and the process exits. */
  graceMs: 3_000,
  /** How long the forced logout of every open session may take before exiting anyway. */
  logoutMs: 1_000,
} as const;

/** Commands with their own SIGINT/SIGTERM handling. */
const OWN_SIGNALS = new Set(['daemon', 'serve', 'simulate']);

/** The state dir a command was given (`--state DIR` / `--state=DIR`), else the default. */
export function stateDirOf(argv: readonly string[]): string {
  const i = argv.indexOf('--state');
  if (i >= 0 && argv[i + 1]) return argv[i + 1] as string;
  return argv.find((a) => a.startsWith('--state='))?.slice('--state='.length) || '.firmwarden';
}

/**
 * A clock whose sleeps end (rejecting) as soon as `stop` aborts. Once stopped, a sleep rejects
 * on the next turn of the event loop, not at once: a loop that swallows the rejection and
 * sleeps again must still let I/O and the forced-exit timer run.
 */
export function interruptibleClock(clock: Clock, stop: AbortSignal): Clock {
  return {
    now: () => clock.now(),
    sleep: (ms, signal) =>
      stop.aborted
        ? new Promise((_, reject) => setImmediate(() => reject(stop.reason)))
        : clock.sleep(ms, signal ? AbortSignal.any([signal, stop]) : stop),
  };
}

/**
 * Runs one command under the signal handlers. Returns its exit code, or 130/143 when a signal
 * stopped it (whatever it returned or threw then).
 */
export async function withSignals(
  command: string,
  argv: readonly string[],
  deps: Deps,
  run: (deps: Deps) => Promise<number>,
): Promise<number> {
  if (OWN_SIGNALS.has(command)) return run(deps);
  const stop = new AbortController();
  const sessions = deps.sessions ?? new SessionLedger(stateDirOf(argv));
  let received: keyof typeof SIGNAL_EXIT | undefined;
  let forced: NodeJS.Timeout | undefined;
  const handler = (name: NodeJS.Signals) => {
    const sig = name === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
    if (received) {
      writeAboveLive(process.stderr, `firmwarden ${command}: ${sig} again: exiting now\n`);
      process.exit(SIGNAL_EXIT[sig]);
    }
    received = sig;
    writeAboveLive(
      process.stderr,
      `firmwarden ${command}: ${sig}: stopping (logging out, recording what is known); again to exit at once\n`,
    );
    stop.abort(new InterruptedError(sig));
    forced = setTimeout(async () => {
      writeAboveLive(
        process.stderr,
        `firmwarden ${command}: not stopped after ${SIGNAL_DEFAULTS.graceMs} ms: exiting\n`,
      );
      await Promise.race([sessions.closeAll(), delay(SIGNAL_DEFAULTS.logoutMs)]);
      process.exit(SIGNAL_EXIT[sig]);
    }, SIGNAL_DEFAULTS.graceMs);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  const guarded: Deps = {
    ...deps,
    clock: interruptibleClock(deps.clock, stop.signal),
    sessions,
    signal: deps.signal ? AbortSignal.any([deps.signal, stop.signal]) : stop.signal,
  };
  try {
    const code = await run(guarded);
    return received ? SIGNAL_EXIT[received] : code;
  } catch (err) {
    if (!received) throw err;
    writeAboveLive(process.stderr, `firmwarden ${command}: ${describeError(err)}\n`);
    return SIGNAL_EXIT[received];
  } finally {
    // Clients a command forgot to close must not keep sessions open past its end.
    await sessions.closeAll();
    if (forced) clearTimeout(forced);
    // After a signal the process is on its way out: a second one must still exit with 130/143
    // (the default handler would kill it by signal instead), so the handlers stay.
    if (!received) {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    }
  }
}
