/**
 * Long calls (an inventory sweep, a backup check) run in the background and answer 202 with an
 * operation to poll at /api/v1/operations/{id}: an HTTP request should not hang for minutes while
 * BMCs answer, and a dropped connection must not cancel fleet work half-way. One operation of a
 * kind runs at a time (asking again returns the running one). Finished ones are kept in memory,
 * the newest few, and their outcome is in the journal for good.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { describeError, FirmwardenError } from '../errors.ts';
import { API_DEFAULTS } from './api-config.ts';

export const OperationKind = {
  /** Sweep the fleet and save every snapshot (the inventory-scan job, run now). */
  inventoryRefresh: 'inventory-refresh',
  /** Backup slice check of the fleet (copies, integrity, optional restore). */
  backupCheck: 'backup-check',
} as const;
export type OperationKind = (typeof OperationKind)[keyof typeof OperationKind];

export interface Operation {
  id: string;
  kind: OperationKind;
  status: 'running' | 'succeeded' | 'failed';
  /** Token name of the caller who started it. */
  requestedBy: string;
  startedAt: string;
  finishedAt?: string;
  /** What the work returned (JSON-serializable). */
  result?: unknown;
  error?: { code: string; message: string };
}

export class Operations {
  readonly #ops = new Map<string, Operation>();
  readonly #running = new Map<OperationKind, { op: Operation; done: Promise<void> }>();
  readonly #abort = new AbortController();
  readonly #logger: Logger;
  readonly #now: () => number;

  constructor(deps: { logger: Logger; now: () => number }) {
    this.#logger = deps.logger;
    this.#now = deps.now;
  }

  /** Starts `work` unless one of its kind runs; returns the operation and whether it is new. */
  start(
    kind: OperationKind,
    requestedBy: string,
    work: (signal: AbortSignal) => Promise<unknown>,
  ): { op: Operation; created: boolean } {
    const running = this.#running.get(kind);
    if (running) return { op: running.op, created: false };
    const op: Operation = {
      id: `${kind}-${randomBytes(4).toString('hex')}`,
      kind,
      status: 'running',
      requestedBy,
      startedAt: new Date(this.#now()).toISOString(),
    };
    this.#ops.set(op.id, op);
    const done = (async () => {
      try {
        op.result = await work(this.#abort.signal);
        op.status = 'succeeded';
      } catch (err) {
        op.status = 'failed';
        op.error = {
          code: err instanceof FirmwardenError ? err.code : 'FW_ERR_UNEXPECTED',
          message: describeError(err),
        };
        this.#logger.warn({ operation: op.id, err: op.error }, `${kind} failed`);
      } finally {
        op.finishedAt = new Date(this.#now()).toISOString();
        this.#running.delete(kind);
        this.#prune();
      }
    })();
    this.#running.set(kind, { op, done });
    return { op, created: true };
  }

  get(id: string): Operation | undefined {
    return this.#ops.get(id);
  }

  /** Newest first. */
  list(): Operation[] {
    return [...this.#ops.values()].reverse();
  }

  /** Resolves when nothing runs (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running.values()].map((r) => r.done));
  }

  /** Asks running work to stop and waits for it. */
  async stop(): Promise<void> {
    this.#abort.abort(new FirmwardenError('FW_ERR_JOB_CANCELLED', 'api server shutting down'));
    await this.idle();
  }

  #prune(): void {
    const finished = [...this.#ops.values()].filter((o) => o.status !== 'running');
    for (const o of finished.slice(0, Math.max(0, finished.length - API_DEFAULTS.keptOperations)))
      this.#ops.delete(o.id);
  }
}
