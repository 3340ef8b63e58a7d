/**
 * Journal entries → CloudEvents 1.0 in structured JSON mode (the CloudEvents JSON event format).
 * The id is `<store id>-<journal seq>`: the same journal entry always becomes the same id, on
 * every redelivery and from whichever daemon delivers it, so receivers deduplicate on it. The
 * store id is derived from the journal's first entry, which never changes (append-only), so it
 * needs no new state and holds across hosts sharing a store.
 */
import { createHash } from 'node:crypto';
import type { JournalRecord, Store } from '../store/types.ts';
import { EventType } from './event-types.ts';

/** A CloudEvent in structured JSON form. */
export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: EventType;
  /** The rollout id (rollout.*) or the server name (update.*, backup.*, rollout.server-*). */
  subject?: string;
  time: string;
  datacontenttype: 'application/json';
  data: CloudEventData;
}

export interface CloudEventData {
  /** The journal entry this event was made from. */
  journalSeq: number;
  journalEvent: string;
  /** Who acted: "cli:pid@host", "daemon:…". */
  actor: string;
  rollout?: string;
  server?: string;
  /** The journal entry's own data, as recorded. */
  detail?: unknown;
}

export interface EventIdentity {
  /** The stable prefix of every event id (`storeIdentity`). */
  storeId: string;
  /** CloudEvents `source`; default `urn:firmwarden:store:<storeId>`. */
  source: string;
}

/** The store's id: 12 hex digits of the digest of its first journal entry. */
export async function storeIdentity(store: Pick<Store, 'journal'>): Promise<string | undefined> {
  const [first] = await store.journal({ limit: 1 });
  if (!first) return undefined;
  return createHash('sha256')
    .update(`${first.seq}|${first.at}|${first.actor}|${first.event}|${JSON.stringify(first.data ?? null)}`)
    .digest('hex')
    .slice(0, 12);
}

/** The event type of a journal entry, or undefined when it is not an event firmwarden emits. */
export function eventTypeOf(r: JournalRecord): EventType | undefined {
  const outcome = (r.data as { outcome?: unknown } | undefined)?.outcome;
  switch (r.event) {
    case 'rollout-created':
      return EventType.rolloutCreated;
    case 'drive-start':
      return EventType.rolloutStarted;
    case 'rollout-paused':
    case 'rollout-pause-requested':
      return EventType.rolloutPaused;
    case 'rollout-abort-requested':
      return EventType.rolloutAborted;
    case 'rollout-completed':
      return EventType.rolloutCompleted;
    case 'step-done':
      return EventType.rolloutServerDone;
    case 'server-failed':
      return EventType.rolloutServerFailed;
    case 'outcome':
      if (outcome === 'verified') return EventType.updateSucceeded;
      if (outcome === 'failed') return EventType.updateFailed;
      return undefined;
    case 'update-verified':
      return EventType.updateSucceeded;
    case 'update-failed':
      return EventType.updateFailed;
    case 'backup.corruption':
      return EventType.backupCorruptionDetected;
    case 'backup.restore':
      if (outcome === 'verified') return EventType.backupRestored;
      if (outcome === 'staged') return EventType.backupRestoreStaged;
      if (outcome === 'failed' || outcome === 'refused') return EventType.backupRestoreFailed;
      return undefined;
    default:
      return undefined;
  }
}

const ROLLOUT_SUBJECT = new Set<string>([
  EventType.rolloutCreated,
  EventType.rolloutStarted,
  EventType.rolloutPaused,
  EventType.rolloutAborted,
  EventType.rolloutCompleted,
]);

/** The CloudEvent of a journal entry, or undefined when the entry is not one. */
export function toCloudEvent(r: JournalRecord, identity: EventIdentity): CloudEvent | undefined {
  const type = eventTypeOf(r);
  if (type === undefined) return undefined;
  const subject = ROLLOUT_SUBJECT.has(type) ? (r.rolloutId ?? r.server) : (r.server ?? r.rolloutId);
  return {
    specversion: '1.0',
    id: `${identity.storeId}-${r.seq}`,
    source: identity.source,
    type,
    ...(subject !== undefined ? { subject } : {}),
    time: r.at,
    datacontenttype: 'application/json',
    data: {
      journalSeq: r.seq,
      journalEvent: r.event,
      actor: r.actor,
      ...(r.rolloutId !== undefined ? { rollout: r.rolloutId } : {}),
      ...(r.server !== undefined ? { server: r.server } : {}),
      ...(r.data !== undefined ? { detail: r.data } : {}),
    },
  };
}
