/**
 * The storage side of one simulated BMC: RAID volumes, the backup-slice path (volumes as staging
 * targets, copies read back and installed from), installed image bytes behind ImageDataURI,
 * SPDM ComponentIntegrity, injected corruption and its repair, and the HPE recovery install set.
 * What each vendor offers comes from its profile's StoragePolicy.
 */

import type { SimImageHeader } from '../image-format.ts';
import { FIRMWARE_INVENTORY, link, ROOT } from '../profiles/common.ts';
import { baseError } from '../redfish-errors.ts';
import { type Json, obj } from '../resource-tree.ts';
import type { SimHost } from '../sim-host.ts';
import type { SimTask } from '../tasks/task-service.ts';
import type { SimCorruption, SimCorruptionKind, SimStorageFaults } from '../types.ts';
import { activeComponents, type SimComponent } from '../update/components.ts';
import { installQueueOf } from '../update/install-queue.ts';
import type { ReceivedImage, UpdateRequest } from '../update/update-job.ts';
import { ComponentIntegrity } from './component-integrity.ts';
import { Corruptions } from './corruption.ts';
import { alteredBytes, FirmwareImages } from './firmware-images.ts';
import { SliceCopies } from './slice-copies.ts';
import { applyStorageFaults, defaultStorageFaults } from './storage-faults.ts';
import type { StoragePolicy } from './storage-policy.ts';
import { VolumeManager } from './volumes.ts';

const ACTION_INFO_TARGETS = 'Targets';

export class SimStorage {
  readonly faults: SimStorageFaults = defaultStorageFaults();
  readonly #host: SimHost;
  readonly #volumes: VolumeManager;
  readonly #copies: SliceCopies;
  readonly #images: FirmwareImages;
  readonly #corruptions: Corruptions;
  readonly #integrity: ComponentIntegrity;
  /** SimpleUpdate ActionInfo Targets as the profile built them (slice path: volumes are added). */
  #baseTargets: string[] | undefined;

  constructor(host: SimHost) {
    this.#host = host;
    this.#images = new FirmwareImages(host.vendor);
    this.#corruptions = new Corruptions(host);
    this.#volumes = new VolumeManager(host, {
      style: () => this.faults.volumeCreate ?? this.#policy.volumeCreate,
      changed: () => this.#announceTargets(),
      wiped: (path) => this.#copies.wipe(path),
    });
    this.#copies = new SliceCopies(host, this.#volumes, () => this.faults.sliceCopyCorrupted);
    this.#integrity = new ComponentIntegrity(host, (c) => ({
      bytes: this.installedBytes(c),
      tampered: this.#corruptions.has(c.key, 'measurement'),
    }));
  }

  get #policy(): StoragePolicy {
    return this.#host.profile.storage;
  }

  /** Wires routes and resources; call once the profile and the update routes are in place. */
  register(): void {
    const policy = this.#policy;
    this.#volumes.register(policy.volumeApplyTimes);
    if (policy.slicePath) {
      this.#baseTargets = this.#actionInfoTargets();
      this.#announceTargets();
    }
    if (policy.slicePath || policy.imageData) {
      this.#host.route('GET', `${FIRMWARE_INVENTORY}/:id/ImageData`, (req) =>
        this.#imageData(req.params['id'] ?? ''),
      );
    }
    this.#refreshImageDataUris();
    if (policy.componentIntegrity) this.#integrity.register();
    if (policy.recoverySet) this.#addRecoverySet();
  }

  setFaults(p: Partial<SimStorageFaults>): void {
    applyStorageFaults(this.faults, p);
    this.#volumes.setFiller(this.faults.noFreeCapacity);
  }

  corrupt(component: string, kind: SimCorruptionKind): void {
    this.#corruptions.corrupt(this.#corruptions.find(component), kind);
    this.#integrity.refresh();
  }

  get corruptions(): SimCorruption[] {
    return this.#corruptions.list();
  }

  /** The volume an update stages into (slice path), or undefined; 400 for a misuse. */
  sliceTarget(request: UpdateRequest): string | undefined {
    return this.#copies.target(request, this.#policy.slicePath);
  }

  stageCopy(volume: string, request: UpdateRequest, receive: () => Promise<ReceivedImage>): SimTask {
    return this.#copies.stage(volume, request, receive);
  }

  /** A SimpleUpdate ImageURI naming a slice copy, as an image; undefined for anything else. */
  localImage(imageUri: string): ReceivedImage | undefined {
    return this.#policy.slicePath ? this.#copies.local(imageUri) : undefined;
  }

  /** A good image is about to be flashed onto the component: its corruption goes away. */
  beforeInstall(key: string): void {
    this.#corruptions.heal(key);
  }

  /** The image is now what the component runs. */
  installed(key: string, header: SimImageHeader, data: Buffer | undefined): void {
    this.#images.record(key, header.version, data);
    this.#refreshImageDataUris();
    this.#integrity.refresh();
  }

  onHostReset(): void {
    this.#volumes.onHostReset();
  }

  /** The bytes a component's ImageDataURI serves now (undefined: not known). */
  installedBytes(c: SimComponent): Buffer | undefined {
    const version = this.#corruptions.originalVersion(c.key) ?? c.version;
    const bytes = this.#images.bytes(c, version);
    if (bytes === undefined) return undefined;
    return this.#corruptions.has(c.key, 'image-digest') ? alteredBytes(bytes) : bytes;
  }

  /** The version the component runs, whatever its Version reads now (garbled by a corruption). */
  originalVersion(c: SimComponent): string | undefined {
    return this.#corruptions.originalVersion(c.key);
  }

  /** The bytes of the image the component was flashed with, whatever corruption shows now. */
  pristineBytes(c: SimComponent): Buffer | undefined {
    return this.#images.bytes(c, this.#corruptions.originalVersion(c.key) ?? c.version);
  }

  #imageData(id: string) {
    const path = `${FIRMWARE_INVENTORY}/${id}`;
    const copy = this.#copies.bytes(path);
    const c = copy === undefined ? activeComponents(this.#host).find((x) => x.path === path) : undefined;
    const bytes = copy ?? (c === undefined || !this.#policy.imageData ? undefined : this.installedBytes(c));
    if (bytes === undefined)
      throw baseError(this.#host.profile.messages, 'ResourceMissingAtURI', [`${path}/ImageData`]);
    return { status: 200, body: bytes, contentType: 'application/octet-stream' };
  }

  /** ImageDataURI on every running member whose bytes are known (imageData profiles). */
  #refreshImageDataUris(): void {
    if (!this.#policy.imageData) return;
    for (const c of activeComponents(this.#host)) {
      const uri = `${c.path}/ImageData`;
      const known =
        this.#images.bytes(c, this.#corruptions.originalVersion(c.key) ?? c.version) !== undefined;
      const current = this.#host.tree.get(c.path)?.['ImageDataURI'];
      if (known && current !== uri) {
        this.#host.tree.update(c.path, (b) => {
          b['ImageDataURI'] = uri;
        });
      } else if (!known && current !== undefined) {
        this.#host.tree.update(c.path, (b) => {
          delete b['ImageDataURI'];
        });
      }
    }
  }

  #actionInfoPath(): string | undefined {
    const us = this.#host.tree.get(`${ROOT}/UpdateService`);
    const simple = obj(obj(us?.['Actions'])?.['#UpdateService.SimpleUpdate']);
    const info = simple?.['@Redfish.ActionInfo'];
    return typeof info === 'string' ? info : undefined;
  }

  #actionInfoTargets(): string[] | undefined {
    const info = this.#actionInfoPath();
    const params = info === undefined ? undefined : this.#host.tree.get(info)?.['Parameters'];
    const targets = Array.isArray(params)
      ? (params as Json[]).find((p) => p['Name'] === ACTION_INFO_TARGETS)?.['AllowableValues']
      : undefined;
    return Array.isArray(targets) ? targets.map(String) : undefined;
  }

  /** Slice path: every Volumes collection and every volume is an allowed SimpleUpdate Target. */
  #announceTargets(): void {
    const info = this.#actionInfoPath();
    if (!this.#policy.slicePath || info === undefined || this.#baseTargets === undefined) return;
    const volumes = [
      ...this.#volumes.units().map((u) => u.volumes),
      ...this.#volumes.ready().map((v) => v.path),
    ];
    const allowed = [...this.#baseTargets, ...volumes];
    this.#host.tree.update(info, (b) => {
      const params = (b['Parameters'] as Json[] | undefined) ?? [];
      const p = params.find((x) => x['Name'] === ACTION_INFO_TARGETS);
      if (p !== undefined) p['AllowableValues'] = allowed;
    });
  }

  /** iLO 5's System Recovery Set: the install set iLO restores the system firmware from. */
  #addRecoverySet(): void {
    const sets = `${ROOT}/UpdateService/InstallSets`;
    if (!this.#host.tree.has(sets)) return;
    // The set's packages sit Locked in the iLO Repository; the Update Task Queue flashes them.
    const sequence = installQueueOf(this.#host).register(
      activeComponents(this.#host).filter((c) => c.kind === 'bmc' || c.kind === 'bios'),
    );
    this.#host.tree.addMember(sets, `${sets}/1`, {
      '@odata.type': '#HpeComponentInstallSet.v1_2_0.HpeComponentInstallSet',
      Id: '1',
      Name: 'System Recovery Set',
      Description: 'The components iLO uses to recover the system firmware',
      IsRecovery: true,
      Created: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      Sequence: sequence,
      Links: { Self: link(`${sets}/1`) },
    });
  }
}
