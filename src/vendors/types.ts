/**
 * One driver per BMC family (bmclib's providers, gofish's `oem/<vendor>/`): how to recognise the
 * BMC, how to read its inventory members, and where its update flow departs from DMTF Redfish.
 * The generic driver is DMTF behaviour; a family driver overrides only what its firmware does
 * differently. Core code asks a driver for a capability; it never tests a vendor name.
 */
import type { Clock } from '../deps.ts';
import type { ComponentIdentity, InventoryComponent } from '../inventory/model.ts';
import type { RedfishClient } from '../redfish/client.ts';
import type {
  ComputerSystem,
  Manager,
  ServiceRoot,
  SoftwareInventory,
  Task,
} from '../redfish/models/index.ts';
import type { TaskOutcome } from '../redfish/task-monitor.ts';
import type { RedfishResponse } from '../redfish/transport.ts';
import type { ApplyTime, ComponentKind, ComponentSlot, TaskPhase, UpdateMethod, Vendor } from '../vocab.ts';

/** What a vendor module says about one FirmwareInventory member. */
export interface MemberReading {
  kind: ComponentKind;
  slot: ComponentSlot;
  identity: ComponentIdentity;
  /** Overrides SoftwareId when present, even as undefined (Dell's "0" means none). */
  softwareId?: string | undefined;
}

/**
 * How a driver reads a task state outside DMTF's list (iDRAC `UserIntervention`, XCC `Verifying`):
 * a phase, or `staged` when the image waits for a reset the BMC will not do itself.
 */
export type TaskVerdict = TaskPhase | 'staged';

/** The image in flight, as the install pipeline knows it. */
export interface InstallTarget {
  /** The inventory member being updated. */
  uri: string;
  id: string;
  name: string;
  kind: ComponentKind;
  from: string;
  to: string;
}

/** What a driver's update step may use: the BMC client, the clock and the pipeline's deadlines. */
export interface FlowContext {
  client: RedfishClient;
  clock: Clock;
  /** How long one update may take, how often to poll, how long the BMC may be away resetting. */
  timeouts: { taskMs: number; pollMs: number; bmcRebootMs: number };
  signal?: AbortSignal;
  /** Progress line for the operator (and the journal's event stream). */
  emit(step: string, extra?: { percent?: number }): void;
}

/** An update request the BMC answered without an error. */
export interface Accepted {
  status: number;
  /** Task monitor or Task to poll (Location, or what the driver found in the body). */
  location?: string;
  /** The Task's own URI when the 202 body carried it (bmcweb's monitor later answers 204 only). */
  taskUri?: string;
  /** 201 Created: the resource the upload became (iDRAC HttpPushUri: an Available- member). */
  created?: string;
  /** The apply time the request asked for, if any. */
  applyTime?: ApplyTime;
}

/** One image to hand to the BMC by a method the pipeline chose. */
export interface DeliverRequest {
  method: UpdateMethod;
  /** The UpdateService URI. */
  updateService: string;
  /** The method's endpoint: SimpleUpdate target, MultipartHttpPushUri or HttpPushUri. */
  endpoint: string;
  image: { sha256: string; size: number; fileName: string };
  /** Streams the image from the store, re-verifying its digest as it is read. */
  openImage(): AsyncIterable<Buffer>;
  /** SimpleUpdate only: the URL the BMC pulls the image from. */
  imageUri?: string;
  targets: string[];
  applyTime?: ApplyTime;
  target: InstallTarget;
}

/**
 * Update-flow capabilities. Every hook is optional; absent means DMTF behaviour (the generic
 * driver). Hooks receive what the pipeline knows and return what it should do next.
 */
export interface UpdateFlow {
  /**
   * Delivers the image itself where the BMC departs from the DMTF form of the chosen method
   * (iDRAC 8 HttpPushUri: a multipart `file` part with If-Match; iLO /cgi-bin/uploadFile: its own
   * form). Undefined: the generic delivery runs.
   */
  deliver?(ctx: FlowContext, request: DeliverRequest): Promise<Accepted | undefined>;
  /** Maps a TaskState DMTF does not define; undefined leaves it unknown (an error). */
  taskState?(state: string, task: Task): TaskVerdict | undefined;
  /** Where to follow an accepted update when the answer has no Location (Supermicro X11: body). */
  taskFromAnswer?(res: RedfishResponse): string | undefined;
  /**
   * Follows an update the BMC accepted without any task to poll (iLO 5/6 SimpleUpdate answers 200:
   * progress lives in UpdateService.Oem.Hpe.State). Undefined: nothing to follow, the inventory
   * decides.
   */
  followUntracked?(
    ctx: FlowContext,
    accepted: Accepted,
    target: InstallTarget,
  ): Promise<TaskOutcome | undefined>;
  /**
   * Runs after the task ended: a BMC whose task ends before the flash does (XCC names a JobService
   * job) or that keeps the outcome elsewhere once the task is gone (iDRAC JobService) follows it
   * here. Returns the outcome that counts.
   */
  afterTask?(ctx: FlowContext, outcome: TaskOutcome, target: InstallTarget): Promise<TaskOutcome>;
  /**
   * Multipart Targets to try, in order, for one image: older bmcweb accepts only its Manager and
   * answers 400 PropertyValueNotInList for an inventory member. A 400 naming Targets moves on to
   * the next list (nothing was accepted).
   */
  multipartTargets?(target: InstallTarget, managers: string[]): string[][];
  /**
   * True when a BMC image the task reported done still waits for a Manager.Reset to activate
   * (bmcweb: no apply time or OnReset ends `Completed` + TaskCompletedOK with nothing rebooted).
   */
  bmcImageAwaitsReset?(accepted: Accepted, outcome: TaskOutcome | undefined): boolean;
  /**
   * The reset a staged image needs when a host restart does not activate it (iDRAC CPLD: a virtual
   * A/C power cycle); undefined when the host reset does. Asked once the task ended staged.
   */
  activationReset?(outcome: TaskOutcome, target: InstallTarget): ActivationReset | undefined;
}

/**
 * A reset beyond a host restart, as a driver performs it. The pipeline does the rest under the
 * same consent as a host reset: waits until the BMC writes nothing, powers the host off
 * (graceful, forced only where policy allows), calls `perform`, then waits for the host to come
 * back with the images active and reads the inventory back.
 */
export interface ActivationReset {
  /** For the operator and the journal: "virtual A/C power cycle (DellOemChassis.ExtendedReset)". */
  readonly name: string;
  /** Posts the reset with the host off; resolves once the BMC accepted it. The host powers on by itself. */
  perform(ctx: ActionContext): Promise<void>;
}

/** A firmware generation as a driver reads it, and what it was read from. */
export interface GenerationReading {
  /** The family's own name for the generation: "iDRAC 9", "iLO 5", "XCC2", "X12", "bmcweb". */
  name: string;
  /** The evidence, for the operator: `Manager Model "14G Monolithic"`. */
  from: string;
}

/** What a driver may read a generation from: all of it is read by probe anyway. */
export interface GenerationFacts {
  root: ServiceRoot;
  /** The first Manager, when it could be read. */
  manager?: Manager | undefined;
  /** The first ComputerSystem's Model (Supermicro reports its baseboard there). */
  systemModel?: string | undefined;
}

/** What a BMC action outside an update may use: the BMC client and the clock. */
export interface ActionContext {
  client: RedfishClient;
  clock: Clock;
  signal?: AbortSignal;
}

/** What clearing a BMC's job or task queue did. */
export interface QueueCleared {
  /** The queue that was cleared (a URI, or the OEM action's target). */
  queue: string;
  /** How it was cleared, in the BMC's terms ("DellJobService.DeleteJobQueue JID_CLEARALL"). */
  how: string;
  /** Items removed (ids or URIs), when the BMC lets them be counted. */
  removed: string[];
  /** Items left in place because they are still writing (never deleted mid-flash). */
  kept: string[];
}

/**
 * BMC actions outside an update (`firmwarden bmc`). Every hook is optional; the generic driver
 * does the DMTF thing, a family driver what its firmware offers instead.
 */
export interface BmcActions {
  /**
   * Clears a stuck job/task queue: finished, failed and never-started items go; an item still
   * writing stays. Throws UnsupportedError where the BMC offers no way to do it.
   */
  clearJobQueue?(ctx: ActionContext): Promise<QueueCleared>;
  /**
   * Firmware the BMC is writing that its Tasks do not show (iLO: UpdateService Oem.Hpe.State),
   * as a sentence; undefined when nothing is. Asked before any reset.
   */
  writingOutsideTasks?(ctx: ActionContext): Promise<string | undefined>;
}

export interface VendorDriver extends UpdateFlow, BmcActions {
  readonly vendor: Vendor;
  /**
   * The BMC keeps a BMC image it was sent with its default apply time staged, with nothing on the
   * wire to say so, until a Manager.Reset (bmcweb). A rerun that finds such an image sent by a dead
   * session resets the BMC instead of sending it again.
   */
  readonly stagesBmcImageSilently?: boolean;
  /** True when the service root says this is the vendor's BMC. */
  matches(root: ServiceRoot): boolean;
  /**
   * For services whose root says nothing (bmcweb): true when the first Manager shows the family.
   * Only asked when no driver matched the root.
   */
  matchesManager?(manager: Manager): boolean;
  /**
   * The firmware generation (iDRAC 8 vs 9, iLO 5 vs 6, ...) where this family's payloads tell it;
   * undefined when they do not. Absent: the family has no generations firmwarden tells apart.
   */
  generation?(facts: GenerationFacts): GenerationReading | undefined;
  /** Normalizes one inventory member. */
  readMember(member: SoftwareInventory): MemberReading;
  /** The id catalogs filter models by (Dell SystemID as 4 hex digits, HPE/Lenovo SKU). */
  systemId(system: ComputerSystem): string | undefined;
  /**
   * What a catalog recognises this component by, as a stable key and the words the plan prints
   * ("ComponentID 159", "DeviceClass …", "PCI 8086:1521"); the key names a component line.
   */
  catalogIdentity(c: InventoryComponent): { key: string; text: string };
  /** A key that survives updates of the component (its Id may carry the version or image hash). */
  componentKey(c: InventoryComponent): string;
  /** How this family's catalog entries are matched to its components (pure). */
  readonly catalogMatch: CatalogMatchRules;
}

/** Catalog matching rules of a BMC family. */
export interface CatalogMatchRules {
  /** What the family calls the id an entry's softwareIds name ("ComponentID" for Dell). */
  readonly softwareIdLabel: string;
  /** That id for one component; undefined when it reports none. */
  softwareId(c: InventoryComponent): string | undefined;
  /** The family's catalogs match only by that id or PCI ids, never by name (Dell Catalog.xml). */
  readonly idOrPciOnly?: boolean;
  /** An entry naming Oem.Hpe.Targets matches only components that report them (fwrepo). */
  readonly requiresHpeTargets?: boolean;
  /** A system id as the family's catalogs write it (trimmed, upper case given). */
  normalizeSystemId?(id: string): string;
}
