/**
 * firmwarden's backup-slice path on a simulated BMC (DESIGN.md "Storage"): an update naming a
 * volume as its only Target with Stage true stores the image on that volume instead of installing
 * it. The copy shows as a staged SoftwareInventory member (Staged true, StandbySpare) related to
 * the component and the volume, with ImageDataURI to read it back; a SimpleUpdate whose ImageURI
 * names the member installs it. The volume's capacity bounds what it holds; deleting or
 * initializing the volume loses the copies.
 */
import { type SimImageHeader, verifySimImage } from '../image-format.ts';
import { FIRMWARE_INVENTORY, link } from '../profiles/common.ts';
import { type BaseMessageKey, baseError } from '../redfish-errors.ts';
import type { Json } from '../resource-tree.ts';
import type { SimHost } from '../sim-host.ts';
import type { SimTask } from '../tasks/task-service.ts';
import { resolveTargets, type SimComponent, targetPath } from '../update/components.ts';
import {
  fail,
  isHeader,
  newJob,
  type ReceivedImage,
  say,
  type UpdateJob,
  type UpdateRequest,
} from '../update/update-job.ts';
import { alteredBytes } from './firmware-images.ts';
import type { VolumeManager } from './volumes.ts';

const SIMPLE_UPDATE = 'UpdateService.SimpleUpdate';

interface SliceCopy {
  path: string;
  volume: string;
  header: SimImageHeader;
  name: string;
  data: Buffer;
}

export class SliceCopies {
  readonly #host: SimHost;
  readonly #volumes: VolumeManager;
  readonly #corrupted: () => boolean;
  readonly #copies = new Map<string, SliceCopy>();

  constructor(host: SimHost, volumes: VolumeManager, corrupted: () => boolean) {
    this.#host = host;
    this.#volumes = volumes;
    this.#corrupted = corrupted;
  }

  /**
   * The volume an update request stages into, or undefined for an ordinary update. A volume
   * Target without the slice path, beside other Targets, or without Stage is a 400.
   */
  target(request: UpdateRequest, offered: boolean): string | undefined {
    const volume = request.targets.map(targetPath).find((t) => this.#volumes.get(t) !== undefined);
    if (volume === undefined) return undefined;
    const style = this.#host.profile.messages;
    const simple = request.method === 'simple';
    const refuse = (
      simpleKey: BaseMessageKey,
      args: string[],
      pushKey: BaseMessageKey,
      pushArgs: string[],
    ) => (simple ? baseError(style, simpleKey, args) : baseError(style, pushKey, pushArgs));
    if (!offered) {
      throw refuse(
        'ActionParameterValueNotInList',
        [volume, 'Targets', SIMPLE_UPDATE],
        'PropertyValueNotInList',
        [volume, 'Targets'],
      );
    }
    if (request.targets.length !== 1) {
      throw refuse(
        'ActionParameterValueFormatError',
        [JSON.stringify(request.targets), 'Targets', SIMPLE_UPDATE],
        'PropertyValueFormatError',
        [JSON.stringify(request.targets), 'Targets'],
      );
    }
    if (!request.stage) {
      throw refuse('ActionParameterValueError', ['Stage', SIMPLE_UPDATE], 'PropertyValueConflict', [
        'Targets',
        'Stage',
      ]);
    }
    return volume;
  }

  /** Accepts an image for the slice: a task that receives, verifies and stores it. */
  stage(volume: string, request: UpdateRequest, receive: () => Promise<ReceivedImage>): SimTask {
    const job = newJob(this.#host, request, receive);
    this.#host.scheduler.run(() => this.#run(job, volume));
    return job.task;
  }

  async #run(job: UpdateJob, volume: string): Promise<void> {
    const host = this.#host;
    const { scheduler, timing: t, tasks } = host;
    await scheduler.sleep(t.taskStartMs);
    tasks.update(job.task, { state: 'Starting' });
    await scheduler.sleep(t.taskStartMs);
    say(host, job, 'TransferringToComponent', { state: 'Running', percent: 5, dell: 'Downloading' });
    const began = Date.now();
    const image = await job.receive();
    job.record.image.bytes = image.bytes;
    job.record.image.name = image.name;
    await scheduler.sleep(t.transferMs - (Date.now() - began));
    if (job.flags.transferFailed || ('reason' in image.result && image.result.reason === 'TransferFailed')) {
      fail(host, job, 'TransferFailed');
      return;
    }
    const result = image.result;
    const resolved = isHeader(result) ? resolveTargets(host, [], result) : undefined;
    if (!isHeader(result) || resolved === undefined || 'problem' in resolved) {
      await scheduler.sleep(t.verifyMs);
      fail(host, job, 'VerificationFailed');
      return;
    }
    job.header = result;
    job.record.image.vendor = result.vendor;
    job.record.image.version = result.version;
    say(host, job, 'TargetDetermined', {}, [volume, image.name]);
    say(host, job, 'VerifyingAtComponent', { percent: 45 });
    await scheduler.sleep(t.verifyMs);
    if (job.flags.verificationFailed) {
      fail(host, job, 'VerificationFailed');
      return;
    }
    say(host, job, 'InstallingOnComponent', { percent: 60, dell: 'Running' });
    await scheduler.sleep(t.installMs);
    const first = resolved.components[0] as SimComponent;
    const path = `${FIRMWARE_INVENTORY}/SliceCopy-${first.id}`;
    // An image too large to keep, or a slice too small for it, cannot be written.
    if (job.flags.applyFailed || image.data === undefined || !this.#fits(volume, path, image.data.length)) {
      fail(host, job, 'ApplyFailed');
      return;
    }
    this.#store({ path, volume, header: result, name: image.name, data: image.data }, first);
    job.record.outcome = 'staged';
    job.record.targets = [{ uri: volume, fromVersion: '', toVersion: result.version }];
    say(host, job, 'UpdateSuccessful', { state: 'Completed', dell: 'Completed' }, [volume, image.name]);
  }

  #fits(volume: string, replacing: string, bytes: number): boolean {
    const v = this.#volumes.get(volume);
    if (v === undefined) return false;
    let used = bytes;
    for (const c of this.#copies.values())
      if (c.volume === volume && c.path !== replacing) used += c.data.length;
    return used <= v.capacity;
  }

  #store(copy: SliceCopy, c: SimComponent): void {
    const tree = this.#host.tree;
    const body: Json = structuredClone(tree.get(c.path) ?? {});
    delete body['ImageDataURI'];
    const related = Array.isArray(body['RelatedItem']) ? (body['RelatedItem'] as Json[]) : [];
    Object.assign(body, {
      '@odata.id': copy.path,
      Id: copy.path.split('/').pop(),
      Description: `Backup slice copy on ${copy.volume}`,
      Version: copy.header.version,
      Updateable: false,
      Staged: true,
      Active: false,
      Status: { State: 'StandbySpare', Health: 'OK' },
      RelatedItem: [...related, link(copy.volume)],
      'RelatedItem@odata.count': related.length + 1,
      ImageDataURI: `${copy.path}/ImageData`,
    });
    if (tree.has(copy.path)) tree.replaceMember(FIRMWARE_INVENTORY, copy.path, copy.path, body);
    else tree.addMember(FIRMWARE_INVENTORY, copy.path, body);
    this.#copies.set(copy.path, copy);
  }

  /** The bytes a slice copy reads back as (altered while the corruption switch is on). */
  bytes(path: string): Buffer | undefined {
    const copy = this.#copies.get(path);
    if (copy === undefined) return undefined;
    return this.#corrupted() ? alteredBytes(copy.data) : copy.data;
  }

  /** A SimpleUpdate ImageURI naming a slice copy: the image as the BMC reads it from the volume. */
  local(imageUri: string): ReceivedImage | undefined {
    const path = targetPath(imageUri);
    const copy = this.#copies.get(path);
    const data = this.bytes(path);
    if (copy === undefined || data === undefined || !this.#host.tree.has(path)) return undefined;
    return { name: copy.name, bytes: data.length, result: verifySimImage(data), data };
  }

  /** The volume's data is gone: its copies leave the inventory. */
  wipe(volume: string): void {
    for (const copy of [...this.#copies.values()]) {
      if (copy.volume !== volume) continue;
      this.#copies.delete(copy.path);
      if (this.#host.tree.has(copy.path)) this.#host.tree.removeMember(FIRMWARE_INVENTORY, copy.path);
    }
  }
}
