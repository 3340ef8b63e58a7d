/**
 * The plan: for every server and every installed component one decision with its reason, the
 * order the executor applies the actions in, what the whole set requires of the server, and the
 * fleet's compliance. Plain data (JSON-serializable), produced by plan() and read by the CLI,
 * the API and the rollout.
 */
import type { CatalogEntry, Criticality, RequiredApplyTime } from '../catalog/model.ts';
import type { VersionOrder } from '../versions/index.ts';
import type { ComponentKind, Vendor } from '../vocab.ts';
import type { Compliance, Decision } from './decision.ts';

/** The installed component a decision is about (a snapshot of the inventory's fields). */
export interface PlannedComponent {
  id: string;
  uri: string;
  name: string;
  kind: ComponentKind;
  version: string;
  softwareId?: string;
  /** Dell FQDD, e.g. "NIC.Slot.2-1-1". */
  fqdd?: string;
}

/** The catalog entry a decision points at: what to flash and what that takes. */
export interface PlanTarget {
  entryId: string;
  name: string;
  version: string;
  criticality: Criticality;
  image: CatalogEntry['image'];
  requires: CatalogEntry['requires'];
  /** Where the entry came from (catalog file and element). */
  source: CatalogEntry['source'];
}

/** One decision for one installed component. */
export interface PlanDecision {
  decision: Decision;
  /** One sentence a human can act on. */
  reason: string;
  /** Absent only for unreadable-server. */
  component?: PlannedComponent;
  /** The entry flashed (upgrade, downgrade) or the one compared against (the others). */
  target?: PlanTarget;
  /** How the entry was matched: "ComponentID 159, SystemID 0235". */
  matchedBy?: string;
  /** Installed vs target, as the versions module explains it. */
  comparison?: { order: VersionOrder; reason: string };
  /** upgrade/downgrade: 1-based position in the server's execution order. */
  step?: number;
  /** upgrade/downgrade: steps on this server that must finish first (`after` prerequisites). */
  afterSteps?: number[];
  /** blocked-by-prerequisite: the entry ids (or "minimumInstalledVersion") that block it. */
  blockedBy?: string[];
  compliance: Compliance;
  /** The component line (compliance summary key) this component belongs to. */
  line?: string;
}

/** What the actions on one server need, so the executor resets it once. */
export interface ServerRequirements {
  /** Some image needs a host reset to activate (requires.reboot). */
  hostReboot: boolean;
  /** The BMC will reset (BMC firmware, or requires.bmcReset): expect it to go away. */
  bmcReset: boolean;
  /** Some image needs a full power off (HPE server_power_off). */
  powerOff: boolean;
  /** Apply times the images insist on. */
  applyTimes: RequiredApplyTime[];
}

/** The plan for one server. */
export interface ServerPlan {
  server: string;
  bmc: string;
  vendor: Vendor;
  model?: string;
  systemId?: string;
  labels: Record<string, string>;
  /** False when the inventory could not be read (one unreadable-server decision then). */
  readable: boolean;
  /** Actions in execution order first, then every other decision by kind. */
  decisions: PlanDecision[];
  requires: ServerRequirements;
  counts: Partial<Record<Decision, number>>;
}

/** One component line: same vendor, kind and identity (and model family), e.g. R710 BIOS. */
export interface ComponentLine {
  key: string;
  vendor: Vendor;
  kind: ComponentKind;
  /** "ComponentID 159", "PCI 8086:1521 8086:5002", "DeviceClass …", "name \"BMC\"". */
  identity: string;
  /** The catalog entry name, or the component name where no entry matches. */
  label: string;
  /** Models the line's catalog entry is for (absent: any model / no entry). */
  models?: string;
  components: number;
  servers: number;
  /** The acting version: the lowest installed anywhere (absent when versions cannot be ordered). */
  lowest?: string;
  highest?: string;
  /** Distinct target versions (one unless pins differ). */
  targets: string[];
  /**
   * Set when some installed versions cannot be ordered against each other (then lowest and highest
   * are absent): every installed version, the first pair found and why it cannot be ordered.
   */
  incomparable?: { versions: string[]; pair: [string, string]; reason: string };
  /** Every installed version equals the target. */
  converged: boolean;
  compliant: number;
  outdated: number;
  unknown: number;
}

/** Compliance per component kind. */
export interface KindCompliance {
  compliant: number;
  outdated: number;
  unknown: number;
  lines: ComponentLine[];
}

export interface ComplianceSummary {
  byKind: Partial<Record<ComponentKind, KindCompliance>>;
  totals: { compliant: number; outdated: number; unknown: number };
  /** Servers whose inventory could not be read: their components are not counted above. */
  unreadableServers: number;
}

/** The whole plan. */
export interface Plan {
  /** When the inventory was read (the plan itself has no clock). */
  inventoryScannedAt: string;
  catalog: { file: string; format: string; name?: string; dateTime?: string; entries: number };
  servers: ServerPlan[];
  totals: Partial<Record<Decision, number>>;
  compliance: ComplianceSummary;
}
