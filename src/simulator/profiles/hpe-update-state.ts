/**
 * iLO's own progress report: UpdateService Oem.Hpe (HPE iLO 5 3.09 and iLO 6 1.70 Redfish
 * reference, HPEDevCom/redfishdocs ilo5_other_resourcedefns309 / ilo6_other_resourcedefns170, and
 * its updateService supplement "Waiting for Uploads to Complete"):
 * - State: Idle, Uploading (receiving a component), Verifying (integrity and authenticity),
 *   Writing (into the iLO Repository), Updating (flashing), Complete, Error ("see Result");
 * - FlashProgressPercent: "only valid when State is Updating";
 * - Result {MessageId, MessageArgs}: Base Success once Complete (recorded iLO 5 UpdateService in
 *   openstack proliantutils tests/redfish/json_samples/update_service.json), the iLO registry's
 *   failure otherwise;
 * - UploadCurrentEtag: the ETag the client gave with its upload (/cgi-bin/uploadFile `parameters`).
 * Same on iLO 5 and iLO 6. The state of an update the engine runs (SimpleUpdate, an upload with
 * UpdateTarget, an Update Task Queue item) is read from its task and record when UpdateService is
 * read; an upload that only writes the repository sets it here. After iLO resets itself the last
 * update reads Complete (the record says installed).
 */

import type { Json } from '../resource-tree.ts';
import type { SimHost } from '../sim-host.ts';
import { ROOT } from './common.ts';

const UPDATE_SERVICE = `${ROOT}/UpdateService`;

/**
 * iLO registry prefix for update failures: iLO 5 3.09 ships iLO.2.25, iLO 6 1.70 iLO.2.34 (message
 * registries in HPEDevCom/redfishdocs); iLO 5 2.x an earlier 2.x. Clients should match the suffix.
 */
export const ILO_REGISTRY = 'iLO.2.14';

/** The Update registry failure of the simulator's engine as iLO's registry names it. */
const FAILURE: Record<string, { id: string; args?: boolean }> = {
  TransferFailed: { id: 'ComponentUploadFailed' },
  VerificationFailed: { id: 'UpdateInvalidFile' },
  ApplyFailed: { id: 'UpdateFailed', args: true },
  ActivateFailed: { id: 'UpdateFailed', args: true },
};

export type HpeUploadPhase = 'Uploading' | 'Verifying' | 'Writing' | 'Complete' | 'Error';

interface Current {
  /** An upload iLO handles itself (repository only), or the update job whose task it reads. */
  phase?: HpeUploadPhase;
  taskId?: string;
  error?: { id: string; args: string[] };
  etag?: string;
}

const STATES = new WeakMap<SimHost, HpeUpdateState>();

/** The BMC's one Oem.Hpe update state. */
export function hpeUpdateState(host: SimHost): HpeUpdateState {
  let s = STATES.get(host);
  if (s === undefined) {
    s = new HpeUpdateState(host);
    STATES.set(host, s);
  }
  return s;
}

export class HpeUpdateState {
  readonly #host: SimHost;
  #current: Current = {};

  constructor(host: SimHost) {
    this.#host = host;
  }

  /** GET UpdateService answers the tree's body with Oem.Hpe brought up to date. */
  register(): void {
    this.#host.route('GET', UPDATE_SERVICE, async () => {
      this.refresh();
      return { status: 200, body: this.#host.tree.plain(UPDATE_SERVICE) };
    });
  }

  /** True while iLO receives, verifies, writes or flashes: another upload is refused. */
  get busy(): boolean {
    return ['Uploading', 'Verifying', 'Writing', 'Updating'].includes(this.read().State as string);
  }

  /** A new upload starts (its ETag reported back as UploadCurrentEtag). */
  upload(phase: HpeUploadPhase, etag?: string): void {
    this.#current = { phase, ...(etag === undefined ? {} : { etag }) };
  }

  /** The upload moves on. */
  phase(phase: HpeUploadPhase): void {
    this.#current = { ...this.#current, phase };
  }

  /** The upload failed before any flash: State Error with this iLO registry message. */
  failed(id: string, args: string[] = []): void {
    this.#current = { ...this.#current, phase: 'Error', error: { id, args } };
  }

  /** From now on the state follows this update job (SimpleUpdate, UpdateTarget, queue item). */
  follow(taskId: string): void {
    const etag = this.#current.phase !== undefined ? this.#current.etag : undefined;
    this.#current = { taskId, ...(etag === undefined ? {} : { etag }) };
  }

  /** Oem.Hpe's progress properties now. */
  read(): Json {
    const host = this.#host;
    const c = this.#current;
    const taskId = c.taskId ?? (c.phase === undefined ? host.history.at(-1)?.taskId : undefined);
    let out: Json;
    if (taskId === undefined) {
      out = c.phase === undefined ? { State: 'Idle' } : { State: c.phase };
      if (c.phase === 'Error')
        out['Result'] = this.#message(c.error?.id ?? 'ComponentUploadFailed', c.error?.args);
      if (c.phase === 'Complete') out['Result'] = this.#success();
    } else {
      out = this.#fromJob(taskId);
    }
    if (c.etag !== undefined) out['UploadCurrentEtag'] = c.etag;
    return out;
  }

  /** Writes the state into the UpdateService resource. */
  refresh(): void {
    const now = this.read();
    this.#host.tree.update(UPDATE_SERVICE, (b) => {
      const oem = (b['Oem'] as Json | undefined) ?? {};
      const hpe = { ...((oem['Hpe'] as Json | undefined) ?? {}) };
      for (const k of ['State', 'FlashProgressPercent', 'Result', 'UploadCurrentEtag']) delete hpe[k];
      hpe['CurrentTime'] = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      b['Oem'] = { ...oem, Hpe: { ...hpe, FlashProgressPercent: 0, ...now } };
    });
  }

  #fromJob(taskId: string): Json {
    const host = this.#host;
    const record = host.history.find((r) => r.taskId === taskId);
    const task = host.tasks.get(taskId);
    if (record?.outcome === 'failed' || task?.state === 'Exception') {
      const why = (record?.messageId ?? 'ApplyFailed').split('.').pop() as string;
      const f = FAILURE[why] ?? { id: 'UpdateFailed', args: true };
      return { State: 'Error', Result: this.#message(f.id, f.args ? [why] : []) };
    }
    if (record?.outcome === 'cancelled')
      return { State: 'Error', Result: this.#message('UpdateCancelled', []) };
    const done = ['installed', 'staged', 'unchanged'].includes(record?.outcome ?? '');
    if (done || task?.state === 'Completed') return { State: 'Complete', Result: this.#success() };
    if (record?.outcome === 'waiting') return { State: 'Idle' };
    const last = task?.messages.at(-1)?.MessageId.split('.').pop();
    if (task === undefined || task.gone || last === 'InstallingOnComponent') {
      // The engine writes 60 % when flashing starts and 90 % when it ends.
      const p = task === undefined ? 50 : Math.round(((task.percent - 60) / 30) * 100);
      return { State: 'Updating', FlashProgressPercent: Math.min(99, Math.max(0, p)) };
    }
    if (last === 'VerifyingAtComponent' || last === 'TargetDetermined' || (task.percent ?? 0) >= 40)
      return { State: 'Verifying' };
    return { State: 'Uploading' };
  }

  #success(): Json {
    return { MessageId: `${this.#host.profile.messages.base}.Success` };
  }

  #message(id: string, args: string[] = []): Json {
    return { MessageId: `${ILO_REGISTRY}.${id}`, MessageArgs: args };
  }
}
