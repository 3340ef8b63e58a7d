/**
 * When the daemon runs integrity-check outside its schedule: once at start-up, and whenever the
 * journal shows something that may have changed an embedded image since the last check began —
 * a rollout finished a server (`step-done`), reset a host (`host-reset`), `firmwarden update`
 * updated one (`update-verified`, `update-failed`), or an inventory scan saw a BMC or host reset
 * that firmwarden did not make (`reset-observed`). A check asked for while one
 * runs is remembered and started when it ends, so a change is never left unchecked.
 */
import type { JournalRecord, Store } from '../store/types.ts';

const PAGE = 1_000;

/** Journal events after which the backup copies and image integrity are checked again. */
export const CHECK_AFTER_EVENTS: ReadonlySet<string> = new Set([
  'step-done',
  'host-reset',
  'reset-observed',
  'update-verified',
  'update-failed',
]);

export interface CheckTrigger {
  /** Looks at the journal since the last look; asks for a check if something changed. */
  poll(): Promise<void>;
  /** Asks for a check now (start-up), or as soon as the running one ends. */
  request(reason: string): void;
  /** Tells the trigger that a check run ended (its result arrived). */
  ended(): void;
}

export function checkTrigger(options: {
  store: Store;
  /** Whether an integrity-check is running now. */
  running: () => boolean;
  /** Starts integrity-check. */
  start: (reason: string) => void;
  /** Journal seq already seen (the daemon's start entry): older events were checked before. */
  afterSeq: number;
}): CheckTrigger {
  let seen = options.afterSeq;
  let due: string | undefined;
  const request = (reason: string) => {
    if (options.running()) due ??= reason;
    else options.start(reason);
  };
  return {
    request,
    ended() {
      if (due === undefined) return;
      const reason = due;
      due = undefined;
      options.start(reason);
    },
    async poll() {
      let change: JournalRecord | undefined;
      for (;;) {
        const page = await options.store.journal({ afterSeq: seen, limit: PAGE });
        change ??= page.find((e) => CHECK_AFTER_EVENTS.has(e.event));
        const last = page.at(-1);
        if (last) seen = last.seq;
        if (page.length < PAGE) break;
      }
      if (change) request(`${change.event}${change.server ? ` on ${change.server}` : ''}`);
    },
  };
}
