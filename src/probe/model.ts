/**
 * What `firmwarden probe` reports for one server: what the service offers and what firmwarden
 * will do with it. Plain data (the JSON output is this object); render-probe.ts prints it.
 */
import type { ApplyTime, ComponentKind, UpdateMethod, Vendor } from '../vocab.ts';

/** TLS as the BMC presented it. */
export interface TlsFacts {
  protocol: string;
  cipher: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** sha256 of the leaf certificate DER, lowercase hex, no colons. */
  fingerprint256: string;
  /** How the connection is trusted under the configured policy, or why it is not. */
  trust: string;
}

/** What firmwarden would do to update one installed component. */
export interface ComponentPlan {
  id: string;
  name: string;
  kind: ComponentKind;
  version: string;
  /** undefined: the component cannot be updated here (see `why`). */
  method?: UpdateMethod;
  applyTime?: ApplyTime;
  /** Targets the request would name (for multipart: the lists tried in order). */
  targets?: string[][];
  why: string;
  /** The reset that activates the image. */
  resets: string;
}

export interface UpdateOffer {
  updateService: string;
  simpleUpdate?: { protocols?: string[]; applyTimes?: string[]; targets?: string[]; actionInfo: boolean };
  multipart?: { uri: string; applyTimes?: string[] };
  httpPush?: { uri: string; applyTimes?: string[] };
  startUpdate: boolean;
  maxImageSizeBytes?: number;
  maintenanceWindow?: { start: string; durationSeconds: number };
}

export interface StorageFacts {
  name: string;
  raidTypes: string[];
  volumes: number;
  /** Healthy drives with room no volume takes. */
  freeDrives: string[];
  /** False when a volume does not say its drives or size: free space is then unknown. */
  freeSpaceKnown: boolean;
  volumeApplyTimes?: string[];
}

export interface BackupFacts {
  mechanism: string;
  sliceOffered: boolean;
  detail: string;
  controllers: StorageFacts[];
}

export interface SessionFacts {
  /** How firmwarden authenticated: a session, or Basic (no session service, or refused). */
  auth: 'session' | 'basic' | 'none';
  serviceEnabled?: boolean;
  timeoutSeconds?: number;
  /** A session limit the service states (not a DMTF property; vendors add it under Oem). */
  maxSessions?: number;
  /** Sessions open while probing, this probe's own included. */
  open?: number;
}

export interface ProbeReport {
  server: string;
  bmc: string;
  /** The connection's TLS; undefined over plain http. */
  tls?: TlsFacts;
  redfishVersion?: string;
  vendor?: string;
  product?: string;
  /** The driver firmwarden chose. */
  family: Vendor;
  /** The firmware generation the driver read ("iDRAC 9", "iLO 5", "X12"), or "unknown". */
  generation: string;
  /** What the generation was read from, or why it could not be. */
  generationFrom: string;
  /** The Manager's model and firmware, as it states them. */
  manager?: string;
  model?: string;
  update?: UpdateOffer;
  /** How firmwarden will follow an update's progress on this BMC, one line per way. */
  follow: string[];
  resets: { manager?: string[] | 'not announced'; system?: string[] | 'not announced' };
  components: ComponentPlan[];
  backup?: BackupFacts;
  sessions: SessionFacts;
  /** Things that are off: counts that disagree, missing ActionInfo, no TaskService, ... */
  oddities: string[];
  /** Sections that could not be read, with the error. */
  errors: Array<{ section: string; code: string; message: string }>;
}

/** A fleet probe: one report per server, or the error that stopped it. */
export interface FleetProbe {
  servers: Array<ProbeReport | { server: string; bmc: string; error: { code: string; message: string } }>;
  failed: number;
}
