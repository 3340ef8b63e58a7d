/**
 * iLO 5's iLO Repository and Update Task Queue, as far as the System Recovery Set and uploads
 * (/cgi-bin/uploadFile with UpdateRepository, profiles/hpe-upload.ts) need them. The
 * repository (UpdateService Oem.Hpe.ComponentRepository) holds the recovery set's packages,
 * Locked, with the version and Targets GUIDs each one flashes; the recovery set's Sequence names
 * them by Filename. A POST on UpdateTaskQueue {Name, Filename, Command: "ApplyUpdate",
 * UpdatableBy: ["Bmc"]} queues one: the item goes Pending → InProgress → Complete (or Exception,
 * Result.MessageId naming the failure). iLO flashes it through the same machinery as any image
 * (fault switches apply; an iLO image reboots iLO; a System ROM flashed now activates at the next
 * host reset, Activates "AfterReboot"). Items for another agent only (Uefi, RuntimeAgent) stay
 * Pending: nothing here plays those agents. Unlike a real iLO, the simulator also lists the work
 * as a Task (the update machinery is shared); the queue item is what a client follows.
 */
import { verifySimImage } from '../image-format.ts';
import { ROOT } from '../profiles/common.ts';
import { baseError, baseMessage, renderMessage } from '../redfish-errors.ts';
import { type Json, obj } from '../resource-tree.ts';
import type { SimHost } from '../sim-host.ts';
import type { SimRequest, SimResponse } from '../sim-http.ts';
import { factoryImage } from '../storage/firmware-images.ts';
import type { SimTask } from '../tasks/task-service.ts';
import type { SimComponent } from './components.ts';
import type { ReceivedImage } from './update-job.ts';

export const COMPONENT_REPOSITORY = `${ROOT}/UpdateService/ComponentRepository`;
export const UPDATE_TASK_QUEUE = `${ROOT}/UpdateService/UpdateTaskQueue`;

const AGENTS = ['Bmc', 'Uefi', 'RuntimeAgent'] as const;

/** One package of the repository, with what it installs. */
interface RepositoryPackage {
  filename: string;
  component: SimComponent;
  version: string;
  /** The image as uploaded (/cgi-bin/uploadFile); absent: the running image's factory copy. */
  image?: ReceivedImage;
}

const QUEUES = new WeakMap<SimHost, InstallQueue>();

/** The BMC's one iLO Repository and Update Task Queue (recovery set and uploads share them). */
export function installQueueOf(host: SimHost): InstallQueue {
  let q = QUEUES.get(host);
  if (q === undefined) {
    q = new InstallQueue(host);
    QUEUES.set(host, q);
  }
  return q;
}

/**
 * The package name and version HPE ships a running image under: ROM "U30 v2.76 (02/09/2023)" →
 * "U30_2.76_02_09_2023.fwpkg", "2.76_02-09-2023"; iLO "2.78 Apr 28 2023" → "ilo5_278.fwpkg", "2.78".
 */
function packageOf(c: SimComponent): { filename: string; version: string } {
  const rom = /^([A-Z]\d{2}) v(\d+\.\d+) \((\d{2})\/(\d{2})\/(\d{4})\)$/.exec(c.version);
  if (rom) {
    const [, family, release, mm, dd, yyyy] = rom;
    return {
      filename: `${family}_${release}_${mm}_${dd}_${yyyy}.fwpkg`,
      version: `${release}_${mm}-${dd}-${yyyy}`,
    };
  }
  const release = /^(\d+)\.(\d+)/.exec(c.version);
  if (c.kind === 'bmc' && release) {
    const gen = /iLO (\d+)/.exec(c.name)?.[1] ?? '5';
    return { filename: `ilo${gen}_${release[1]}${release[2]}.fwpkg`, version: `${release[1]}.${release[2]}` };
  }
  const safe = c.version.replace(/[^A-Za-z0-9.]+/g, '_');
  return { filename: `${c.id}_${safe}.fwpkg`, version: c.version };
}

const iso = (d = new Date()) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The queue item's State for the update task behind it. */
function queueState(task: SimTask | undefined): string {
  if (task === undefined) return 'Pending';
  switch (task.state) {
    case 'New':
    case 'Starting':
    case 'Pending':
      return 'Pending';
    case 'Running':
      return 'InProgress';
    case 'Completed':
      return 'Complete';
    case 'Cancelled':
      return 'Canceled';
    default:
      return 'Exception';
  }
}

export class InstallQueue {
  readonly #host: SimHost;
  readonly #packages = new Map<string, RepositoryPackage>();
  /** Queue item Id → the update behind it (none for an item waiting for another agent). */
  readonly #items = new Map<string, { task?: SimTask }>();
  #count = 0;
  #routes = false;

  constructor(host: SimHost) {
    this.#host = host;
  }

  /**
   * Puts a Locked package of each component's running image in the repository and registers the
   * queue; returns the recovery set's Sequence entries.
   */
  register(components: readonly SimComponent[]): Json[] {
    const tree = this.#host.tree;
    if (!tree.has(COMPONENT_REPOSITORY) || !tree.has(UPDATE_TASK_QUEUE)) return [];
    const sequence: Json[] = [];
    for (const c of components) {
      const { filename, version } = packageOf(c);
      const id = String(this.#packages.size + 1);
      const path = `${COMPONENT_REPOSITORY}/${id}`;
      const targets = obj(obj(tree.get(c.path)?.['Oem'])?.['Hpe'])?.['Targets'];
      const size = factoryImage(this.#host.vendor, c).length;
      tree.addMember(COMPONENT_REPOSITORY, path, {
        '@odata.type': '#HpeComponent.v1_1_0.HpeComponent',
        Id: id,
        Name: c.name,
        Filename: filename,
        Version: version,
        Locked: true,
        Configurable: false,
        Criticality: 'Recommended',
        Activates: c.kind === 'bmc' ? 'Immediately' : 'AfterReboot',
        UpdatableBy: ['Bmc'],
        SizeBytes: size,
        ComponentUri: `/fwrepo/${filename}`,
        Targets: Array.isArray(targets) ? [...targets] : [],
        Created: iso(),
      });
      this.#packages.set(filename.toLowerCase(), { filename, component: c, version: c.version });
      sequence.push({
        Name: c.name,
        Filename: filename,
        Command: 'ApplyUpdate',
        UpdatableBy: ['Bmc'],
        WaitTimeSeconds: 0,
      });
    }
    this.#registerRoutes();
    return sequence;
  }

  #registerRoutes(): void {
    if (this.#routes) return;
    this.#routes = true;
    this.#host.route('POST', UPDATE_TASK_QUEUE, (req) => this.#enqueue(req));
    this.#host.route('GET', `${UPDATE_TASK_QUEUE}/:id`, (req) => this.#read(req.params['id'] ?? ''));
    this.#host.route('DELETE', `${UPDATE_TASK_QUEUE}/:id`, (req) => this.#delete(req.params['id'] ?? ''));
  }

  /**
   * DELETE on a queue item, as ilorest's `taskqueue --cleanqueue` (finished and Exception items)
   * and `--resetqueue` (every item) send it (python-redfish-utility UpdateTaskQueueCommand.py,
   * iLO 5): the item leaves the queue; a Pending one will not run (its waiting update, if any, is
   * cancelled). An item InProgress is refused with 409 ResourceInUse: the simulator's choice, since
   * nothing public says what iLO does to a flash under way, and firmwarden never asks it.
   */
  #delete(id: string): SimResponse {
    const host = this.#host;
    const style = host.profile.messages;
    const body = this.#refresh(id);
    if (body === undefined) throw baseError(style, 'ResourceNotFound', ['UpdateTask', id]);
    if (body['State'] === 'InProgress') throw baseError(style, 'ResourceInUse');
    const task = this.#items.get(id)?.task;
    if (task !== undefined && host.tasks.discard(task.id) === 'busy') throw baseError(style, 'ResourceInUse');
    this.#items.delete(id);
    host.tree.removeMember(UPDATE_TASK_QUEUE, `${UPDATE_TASK_QUEUE}/${id}`);
    return {
      status: 200,
      body: { '@Message.ExtendedInfo': [renderMessage(style, baseMessage(style, 'Success'))] },
    };
  }

  /**
   * Adds an uploaded component to the repository (UpdateRepository true), not Locked: a queue item
   * naming its Filename flashes it. A file of the same name is replaced (HPE: "the iLO Repository
   * uses filename of the components as the unique key"). Returns the member's path.
   */
  addUploaded(filename: string, image: ReceivedImage, component: SimComponent, version: string): string {
    const tree = this.#host.tree;
    this.#registerRoutes();
    const key = filename.toLowerCase();
    const existing = tree
      .members(COMPONENT_REPOSITORY)
      .find((p) => String(tree.get(p)?.['Filename'] ?? '').toLowerCase() === key);
    const id = existing?.split('/').pop() ?? String(tree.members(COMPONENT_REPOSITORY).length + 1);
    const path = `${COMPONENT_REPOSITORY}/${id}`;
    const targets = obj(obj(tree.get(component.path)?.['Oem'])?.['Hpe'])?.['Targets'];
    const body: Json = {
      '@odata.type': '#HpeComponent.v1_1_0.HpeComponent',
      Id: id,
      Name: component.name,
      Filename: filename,
      Version: version,
      Locked: false,
      Configurable: false,
      Criticality: 'Recommended',
      Activates: component.kind === 'bmc' ? 'Immediately' : 'AfterReboot',
      UpdatableBy: ['Bmc'],
      SizeBytes: image.bytes,
      ComponentUri: `/fwrepo/${filename}`,
      Targets: Array.isArray(targets) ? [...targets] : [],
      Created: iso(),
    };
    if (existing !== undefined) tree.put(path, body);
    else tree.addMember(COMPONENT_REPOSITORY, path, body);
    this.#packages.set(key, { filename, component, version, image });
    return path;
  }

  async #enqueue(req: SimRequest): Promise<SimResponse> {
    const host = this.#host;
    const style = host.profile.messages;
    const body = obj(await req.json());
    if (body === undefined) throw baseError(style, 'UnrecognizedRequestBody');
    const filename = body['Filename'];
    const command = body['Command'] ?? 'ApplyUpdate';
    const agents = body['UpdatableBy'] ?? ['Bmc'];
    if (typeof filename !== 'string') throw baseError(style, 'PropertyMissing', ['Filename']);
    if (command !== 'ApplyUpdate')
      throw baseError(style, 'PropertyValueNotInList', [String(command), 'Command']);
    if (!Array.isArray(agents) || agents.some((a) => !(AGENTS as readonly unknown[]).includes(a))) {
      throw baseError(style, 'PropertyValueFormatError', [JSON.stringify(agents), 'UpdatableBy']);
    }
    const pkg = this.#packages.get(filename.toLowerCase());
    if (pkg === undefined) throw baseError(style, 'PropertyValueNotInList', [filename, 'Filename']);
    const id = String(++this.#count);
    const path = `${UPDATE_TASK_QUEUE}/${id}`;
    const item: { task?: SimTask } = {};
    this.#items.set(id, item);
    host.tree.addMember(UPDATE_TASK_QUEUE, path, {
      '@odata.type': '#HpeComponentUpdateTask.v1_2_0.HpeComponentUpdateTask',
      Id: id,
      Name: typeof body['Name'] === 'string' ? body['Name'] : filename,
      Filename: pkg.filename,
      Command: 'ApplyUpdate',
      UpdatableBy: agents,
      State: 'Pending',
      Result: { MessageId: 'NoStatus' },
      Created: iso(),
    });
    // Only iLO ("Bmc") is played here: an item for other agents waits for them, forever.
    if (agents.includes('Bmc')) item.task = this.#start(pkg);
    return { status: 201, headers: { Location: host.location(path) }, body: this.#refresh(id) };
  }

  /** Flashes the package's image on the component it was taken from. */
  #start(pkg: RepositoryPackage): SimTask {
    const host = this.#host;
    const uploaded = pkg.image;
    const data = uploaded === undefined ? factoryImage(host.vendor, pkg.component, pkg.version) : undefined;
    return host.updates.start(
      {
        method: 'install-queue',
        applyTime: 'Immediate',
        targets: [pkg.component.path],
        stage: false,
        targetUri: UPDATE_TASK_QUEUE,
        imageName: pkg.filename,
      },
      async () =>
        uploaded ?? {
          name: pkg.filename,
          bytes: (data as Buffer).length,
          result: verifySimImage(data as Buffer),
          data: data as Buffer,
        },
    );
  }

  #refresh(id: string): Json | undefined {
    const item = this.#items.get(id);
    const path = `${UPDATE_TASK_QUEUE}/${id}`;
    if (item === undefined || !this.#host.tree.has(path)) return undefined;
    const task = item.task;
    const state = queueState(task);
    const record = task === undefined ? undefined : this.#host.history.find((r) => r.taskId === task.id);
    this.#host.tree.update(path, (b) => {
      b['State'] = state;
      if (state !== 'Pending' && b['StartTime'] === undefined) b['StartTime'] = iso();
      if (['Complete', 'Exception', 'Canceled'].includes(state) && b['EndTime'] === undefined)
        b['EndTime'] = iso();
      b['Result'] = {
        MessageId:
          state === 'Complete'
            ? 'Success'
            : state === 'Exception'
              ? (record?.messageId ?? 'Update.1.0.ApplyFailed')
              : 'NoStatus',
      };
    });
    return this.#host.tree.plain(path);
  }

  #read(id: string): SimResponse {
    const body = this.#refresh(id);
    if (body === undefined)
      throw baseError(this.#host.profile.messages, 'ResourceNotFound', ['UpdateTask', id]);
    return { status: 200, body };
  }
}
