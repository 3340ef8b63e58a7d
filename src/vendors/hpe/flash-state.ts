/**
 * Following an iLO update that has no task: iLO 5 before 2.30 answers SimpleUpdate 200, and every
 * iLO 5/6 answers its /cgi-bin/uploadFile form 200 (HPE dev blog "HPE firmware updates: Part 3";
 * HPEDevCom/redfishdocs updateService supplement). Progress is UpdateService Oem.Hpe: State Idle,
 * Uploading, Verifying, Writing (iLO Repository), Updating (flashing, FlashProgressPercent),
 * Complete, Error (Result.MessageId names the iLO registry failure). python-redfish-utility
 * `firmwareupdate` (showupdateprogress) and `uploadcomp` (wait_for_state_change) poll it the same
 * way; proliantutils counts Idle→Complete/Error and busy→Complete/Error/Idle as the end.
 * The state belongs to iLO, not to one request: a Complete or Error left by an earlier update is
 * taken as this update's end only once the update was seen busy, the upload's ETag is reported back
 * (UploadCurrentEtag), or iLO stayed that way for a grace of several polls (it starts within
 * seconds). iLO resetting itself (500, 503, 401, refused connections) is waited out.
 */
import { z } from 'zod';
import { RedfishConnectionError, RedfishHttpError, TaskFailedError } from '../../errors.ts';
import type { TaskOutcome } from '../../redfish/task-monitor.ts';
import type { FlowContext } from '../types.ts';

export const HpeUpdateOemSchema = z.looseObject({
  State: z.string().nullish(),
  FlashProgressPercent: z.number().nullish(),
  Result: z
    .looseObject({ MessageId: z.string().nullish(), MessageArgs: z.array(z.unknown()).nullish() })
    .nullish(),
  UploadCurrentEtag: z.string().nullish(),
});

/** The part of UpdateService iLO reports progress in. */
export const HpeUpdateServiceSchema = z.looseObject({
  Oem: z.looseObject({ Hpe: HpeUpdateOemSchema.nullish() }).nullish(),
});

export type HpeUpdateOem = z.infer<typeof HpeUpdateOemSchema>;

/** Where a State value stands; "Progressing" is what older iLO firmware says (ilorest accepts it). */
export function flashPhase(
  state: string | null | undefined,
): 'idle' | 'busy' | 'complete' | 'error' | 'unknown' {
  switch ((state ?? '').toLowerCase()) {
    case 'idle':
      return 'idle';
    case 'uploading':
    case 'verifying':
    case 'writing':
    case 'updating':
    case 'progressing':
      return 'busy';
    case 'complete':
    case 'completed':
      return 'complete';
    case 'error':
      return 'error';
    default:
      return 'unknown';
  }
}

/**
 * Message formats of the iLO registry's update failures (iLO 5 3.09 iLO.2.25 and iLO 6 1.70
 * iLO.2.34 message registries, HPEDevCom/redfishdocs), so a failure reads as iLO says it.
 */
const ILO_TEXT: Record<string, string> = {
  ComponentUploadFailed: 'A component upload operation failed.',
  UpdateBadParameter: 'The update failed because a bad parameter was supplied.',
  UpdateCancelled: 'The update was canceled by the update process.',
  UpdateDependencyFailure: 'The update did not complete because the component failed a dependency check.',
  UpdateFailed: 'The update failed with a component specific error (%1).',
  UpdateInPOST: 'System must not be booted past POST in order to perform this update',
  UpdateInterrupted: 'The update was interrupted.',
  UpdateInvalidFile: 'The update operation failed because the file is not valid.',
  UpdateInvalidOS: 'The update did not occur because the running OS is not valid.',
  UpdateNotApplicable: 'The task was not completed because the component was not applicable to this system.',
  UpdateRepositoryUnavailable: 'The update operation failed because the component repository is unavailable.',
  UpdateTemporarilyUnavailable: 'The system is temporarily unable to perform this update',
  UpdateWithPowerOff: 'System power must be off to perform this update',
  UpdateWithPowerOn: 'System power must be on to perform this update',
};

/** iLO's Result as a task message: short id, and the registry text with its arguments. */
export function resultMessage(result: HpeUpdateOem['Result']): { id: string; text?: string } {
  const full = result?.MessageId ?? 'Error';
  const id = full.split('.').pop() ?? full;
  const args = (result?.MessageArgs ?? []).map(String);
  const format = ILO_TEXT[id];
  const text = format?.replace(/%(\d)/g, (_, n: string) => args[Number(n) - 1] ?? '');
  return { id, text: text ? `${full}: ${text}` : full + (args.length ? ` (${args.join(', ')})` : '') };
}

export interface FlashFollow {
  /** The UpdateService URI. */
  uri: string;
  /** The image waits for a host reset once Complete (System ROM: Activates "AfterReboot"). */
  afterReset: boolean;
  /** The ETag sent with an upload; iLO reports it back as UploadCurrentEtag. */
  etag?: string;
  /** How many polls a Complete/Error not yet proven ours is given to turn busy (default 5). */
  gracePolls?: number;
}

/** True for an answer a resetting iLO gives: not an end of the update, to be waited out. */
function transient(err: unknown): boolean {
  if (err instanceof RedfishConnectionError) return true;
  return err instanceof RedfishHttpError && [401, 500, 502, 503].includes(err.status);
}

/** Polls UpdateService Oem.Hpe until iLO reports Complete or Error for this update. */
export async function followFlashState(ctx: FlowContext, f: FlashFollow): Promise<TaskOutcome> {
  const { clock, timeouts: t } = ctx;
  const deadline = clock.now() + t.taskMs;
  const graceUntil = clock.now() + t.pollMs * (f.gracePolls ?? 5);
  const messages: TaskOutcome['messages'] = [];
  let state: string | undefined;
  let percent: number | undefined;
  let seenBusy = false;
  // iLO went away (it resets itself only after flashing its own image).
  let sawReset = false;
  let unreachableSince: number | undefined;
  let polls = 0;
  const done = (outcome: TaskOutcome['outcome']): TaskOutcome => ({
    outcome,
    ...(state === undefined ? {} : { state }),
    ...(percent === undefined ? {} : { percent }),
    messages,
    polls,
  });
  for (;;) {
    polls++;
    try {
      const us = await ctx.client.get(f.uri, HpeUpdateServiceSchema);
      unreachableSince = undefined;
      const hpe = us.Oem?.Hpe ?? {};
      const phase = flashPhase(hpe.State);
      const etag = hpe.UploadCurrentEtag ?? undefined;
      // Another upload's report (its ETag) is not ours; ours may not have started yet.
      const foreign = f.etag !== undefined && etag !== undefined && etag !== f.etag;
      const next = hpe.State ?? undefined;
      const nextPercent =
        phase === 'busy' && hpe.State === 'Updating' ? (hpe.FlashProgressPercent ?? undefined) : undefined;
      if (!foreign && (next !== state || (nextPercent !== undefined && nextPercent !== percent))) {
        state = next;
        if (nextPercent !== undefined) percent = nextPercent;
        ctx.emit(`iLO ${state ?? 'no state'}`, nextPercent === undefined ? {} : { percent: nextPercent });
      }
      if (!foreign) {
        const ours = seenBusy || (f.etag !== undefined && etag === f.etag) || clock.now() >= graceUntil;
        if (phase === 'busy') seenBusy = true;
        else if (phase === 'error' && ours) {
          messages.push(resultMessage(hpe.Result));
          return done('failed');
        } else if (phase === 'complete' && ours) {
          messages.push({ id: 'Complete', text: hpe.Result?.MessageId ?? 'Complete' });
          return done(f.afterReset ? 'staged' : 'completed');
        } else if (phase === 'idle' && (seenBusy || sawReset)) {
          // Busy (or gone) then Idle: iLO reset itself after flashing its own image (proliantutils
          // counts busy→Idle as the end); the inventory decides.
          return done(f.afterReset ? 'staged' : 'completed');
        }
      }
    } catch (err) {
      if (!transient(err)) throw err;
      sawReset = true;
      unreachableSince ??= clock.now();
      if (clock.now() - unreachableSince > t.bmcRebootMs) {
        throw new TaskFailedError(
          f.uri,
          state,
          `iLO unreachable for too long: ${(err as Error).message}`,
          [],
          {
            code: 'FW_ERR_BMC_UNREACHABLE',
            cause: err,
          },
        );
      }
    }
    if (clock.now() >= deadline) {
      throw new TaskFailedError(
        f.uri,
        state,
        `iLO still ${state ?? 'not reporting'} after ${Math.round(t.taskMs / 1000)} s`,
        [],
        { code: 'FW_ERR_TASK_TIMEOUT' },
      );
    }
    await clock.sleep(t.pollMs, ctx.signal);
  }
}
