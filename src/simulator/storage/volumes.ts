/**
 * RAID volumes of a simulated BMC (Volume.v1_9, VolumeCollection): POST on a Volumes collection
 * creates one with RAIDType and drive-count validation and per-drive capacity accounting, answered
 * the vendor's way (201, 202 + task, or 202 + a task Pending until the next host reset); DELETE
 * removes one; #Volume.Initialize wipes one. The no-free-capacity fault fills every controller
 * with a data volume.
 */
import type { ApplyTime } from '../../vocab.ts';
import { link, ROOT } from '../profiles/common.ts';
import { baseError, baseMessage } from '../redfish-errors.ts';
import { canonicalPath, type Json, obj } from '../resource-tree.ts';
import type { SimHost } from '../sim-host.ts';
import type { SimRequest, SimResponse } from '../sim-http.ts';
import type { SimTask } from '../tasks/task-service.ts';
import type { SimVolumeCreateStyle } from '../types.ts';
import { capacityFor, fillerRaidType } from './raid-layout.ts';
import { checkVolumeRequest } from './volume-request.ts';

/** One storage subsystem: its controller's RAID types and its drives. */
export interface StorageUnit {
  path: string;
  volumes: string;
  drives: string[];
  raidTypes: string[];
}

export interface SimVolume {
  path: string;
  id: string;
  name: string;
  unit: StorageUnit;
  raidType: string;
  capacity: number;
  drives: string[];
  /** Bytes taken on each member drive. */
  extent: number;
  state: 'creating' | 'pending-reset' | 'ready';
  /** Made by the no-free-capacity fault. */
  filler?: boolean;
  task?: SimTask;
}

export interface VolumeEvents {
  /** How POST answers now (profile, or the fault override). */
  style(): SimVolumeCreateStyle;
  /** A volume appeared or went away. */
  changed(): void;
  /** A volume's data is gone (deleted or initialized). */
  wiped(path: string): void;
}

export class VolumeManager {
  readonly #host: SimHost;
  readonly #events: VolumeEvents;
  readonly #volumes = new Map<string, SimVolume>();
  #count = 0;

  constructor(host: SimHost, events: VolumeEvents) {
    this.#host = host;
    this.#events = events;
  }

  /** Every storage subsystem of every system. */
  units(): StorageUnit[] {
    const tree = this.#host.tree;
    const out: StorageUnit[] = [];
    const systems = tree.has(`${ROOT}/Systems`) ? tree.members(`${ROOT}/Systems`) : [];
    for (const system of systems) {
      if (!tree.has(`${system}/Storage`)) continue;
      for (const path of tree.members(`${system}/Storage`)) {
        const body = tree.get(path) ?? {};
        const volumes = (obj(body['Volumes'])?.['@odata.id'] as string | undefined) ?? `${path}/Volumes`;
        const drives = (Array.isArray(body['Drives']) ? (body['Drives'] as Json[]) : []).map((d) =>
          canonicalPath(String(d['@odata.id'])),
        );
        const controller = (body['StorageControllers'] as Json[] | undefined)?.[0];
        const raidTypes = controller?.['SupportedRAIDTypes'];
        out.push({
          path,
          volumes: canonicalPath(volumes),
          drives,
          raidTypes: Array.isArray(raidTypes) ? raidTypes.map(String) : [],
        });
      }
    }
    return out;
  }

  /** Answers POST/DELETE/Initialize on every Volumes collection; announces apply times. */
  register(applyTimes: readonly ApplyTime[] | undefined): void {
    for (const unit of this.units()) {
      if (!this.#host.tree.has(unit.volumes)) continue;
      if (applyTimes !== undefined) {
        const head = this.#host.tree.collectionParts(unit.volumes).head;
        head['@Redfish.OperationApplyTimeSupport'] = {
          '@odata.type': '#Settings.v1_3_5.OperationApplyTimeSupport',
          SupportedValues: [...applyTimes],
        };
        this.#host.tree.touch(unit.volumes);
      }
      this.#host.route('POST', unit.volumes, (req) => this.#create(unit, req, applyTimes));
      this.#host.route('DELETE', `${unit.volumes}/:volume`, (req) => this.#delete(req));
      this.#host.route('POST', `${unit.volumes}/:volume/Actions/Volume.Initialize`, (req) =>
        this.#initialize(req),
      );
    }
  }

  /** A volume that exists now (not one still being created). */
  get(path: string): SimVolume | undefined {
    const v = this.#volumes.get(canonicalPath(path));
    return v?.state === 'ready' ? v : undefined;
  }

  ready(): SimVolume[] {
    return [...this.#volumes.values()].filter((v) => v.state === 'ready');
  }

  /** Bytes of a drive no volume (made, being made or waiting for a reset) takes. */
  freeBytes(drive: string): number {
    const size = Number(this.#host.tree.get(drive)?.['CapacityBytes'] ?? 0);
    let used = 0;
    for (const v of this.#volumes.values()) if (v.drives.includes(drive)) used += v.extent;
    return Math.max(0, size - used);
  }

  /** The host is resetting: volumes waiting for it are created now. */
  onHostReset(): void {
    for (const v of this.#volumes.values()) if (v.state === 'pending-reset') this.#finish(v);
  }

  /** The no-free-capacity fault: a data volume takes all free space of each controller (or goes). */
  setFiller(on: boolean): void {
    if (!on) {
      for (const v of [...this.#volumes.values()]) if (v.filler) this.#remove(v);
      return;
    }
    for (const unit of this.units()) {
      if ([...this.#volumes.values()].some((v) => v.filler && v.unit.path === unit.path)) continue;
      const extent = Math.min(...unit.drives.map((d) => this.freeBytes(d)));
      if (unit.drives.length === 0 || !(extent > 0)) continue;
      const raidType = fillerRaidType(unit.drives.length);
      const v = this.#newVolume(unit, 'VD-Data', raidType, unit.drives, extent);
      v.filler = true;
      this.#finish(v);
    }
  }

  #newVolume(unit: StorageUnit, name: string, raidType: string, drives: string[], extent: number): SimVolume {
    const n = ++this.#count;
    // iDRAC names virtual disks by FQDD; the others number them.
    const id =
      this.#host.vendor === 'dell' ? `Disk.Virtual.${n - 1}:${unit.path.split('/').pop()}` : String(n);
    const v: SimVolume = {
      path: `${unit.volumes}/${id}`,
      id,
      name,
      unit,
      raidType,
      capacity: capacityFor(raidType, drives.length, extent),
      drives,
      extent,
      state: 'creating',
    };
    this.#volumes.set(v.path, v);
    return v;
  }

  #body(v: SimVolume): Json {
    return {
      '@odata.id': v.path,
      '@odata.type': '#Volume.v1_9_0.Volume',
      Id: v.id,
      Name: v.name,
      RAIDType: v.raidType,
      CapacityBytes: v.capacity,
      Encrypted: false,
      Status: { State: 'Enabled', Health: 'OK' },
      Links: { Drives: v.drives.map(link), 'Drives@odata.count': v.drives.length },
      Actions: {
        '#Volume.Initialize': {
          target: `${v.path}/Actions/Volume.Initialize`,
          'InitializeType@Redfish.AllowableValues': ['Fast', 'Slow'],
        },
      },
    };
  }

  #finish(v: SimVolume): void {
    v.state = 'ready';
    this.#host.tree.addMember(v.unit.volumes, v.path, this.#body(v));
    if (v.task !== undefined) {
      const style = this.#host.profile.messages;
      this.#host.tasks.update(
        v.task,
        {
          state: 'Completed',
          ...(v.task.dell ? { dell: { jobState: 'Completed', message: 'Job completed successfully.' } } : {}),
        },
        baseMessage(style, 'Created'),
      );
    }
    this.#events.changed();
  }

  #remove(v: SimVolume): void {
    this.#volumes.delete(v.path);
    if (this.#host.tree.has(v.path)) this.#host.tree.removeMember(v.unit.volumes, v.path);
    this.#events.wiped(v.path);
    this.#events.changed();
  }

  async #create(unit: StorageUnit, req: SimRequest, applyTimes?: readonly ApplyTime[]): Promise<SimResponse> {
    const host = this.#host;
    const style = host.profile.messages;
    const how = this.#events.style();
    if (how === 'unsupported') throw baseError(style, 'OperationNotAllowed');
    const body = obj(await req.json());
    if (body === undefined) throw baseError(style, 'UnrecognizedRequestBody');
    const { raidType, drives, requested, wanted, extent } = checkVolumeRequest(
      style,
      unit,
      body,
      applyTimes,
      (d) => this.freeBytes(d),
    );
    const name = typeof body['Name'] === 'string' ? body['Name'] : `Volume ${this.#count + 1}`;
    const v = this.#newVolume(unit, name, raidType, drives, extent);
    if (wanted !== undefined) v.capacity = wanted;
    const deferred = how === 'deferred' || requested === 'OnReset';
    if (how === 'created' && !deferred) {
      this.#finish(v);
      return { status: 201, headers: { Location: host.location(v.path) }, body: this.#body(v) };
    }
    const task = host.tasks.create({
      name: `Create volume ${name}`,
      targetUri: unit.volumes,
      jsonBody: JSON.stringify(body),
    });
    v.task = task;
    if (deferred) {
      v.state = 'pending-reset';
      host.tasks.update(task, {
        state: 'Pending',
        ...(task.dell ? { dell: { jobState: 'Scheduled', message: 'Task successfully scheduled.' } } : {}),
      });
    } else {
      host.scheduler.run(async () => {
        await host.scheduler.sleep(host.timing.taskStartMs);
        host.tasks.update(task, {
          state: 'Running',
          percent: 50,
          ...(task.dell ? { dell: { jobState: 'Running', message: 'Job in progress.' } } : {}),
        });
        await host.scheduler.sleep(host.timing.installMs);
        if (this.#volumes.get(v.path) === v) this.#finish(v);
      });
    }
    return host.tasks.accepted(task, host.profile.updates.acceptedBody === 'none' ? null : undefined);
  }

  #volumeOf(req: SimRequest): SimVolume {
    const path = canonicalPath(req.path.replace(/\/Actions\/Volume\.Initialize$/, ''));
    const v = this.get(path);
    if (v === undefined) {
      throw baseError(this.#host.profile.messages, 'ResourceNotFound', [
        'Volume',
        req.params['volume'] ?? '',
      ]);
    }
    return v;
  }

  #delete(req: SimRequest): SimResponse {
    this.#remove(this.#volumeOf(req));
    return { status: 204 };
  }

  async #initialize(req: SimRequest): Promise<SimResponse> {
    const v = this.#volumeOf(req);
    const raw = await req.body();
    const body = raw.length === 0 ? {} : obj(await req.json());
    const type = body?.['InitializeType'];
    if (type !== undefined && type !== 'Fast' && type !== 'Slow') {
      throw baseError(this.#host.profile.messages, 'ActionParameterValueNotInList', [
        String(type),
        'InitializeType',
        'Volume.Initialize',
      ]);
    }
    this.#events.wiped(v.path);
    return { status: 204 };
  }
}
