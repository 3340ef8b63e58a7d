/**
 * How firmwarden follows an update on a BMC, in words, from the hooks its driver has (the one
 * place that words them per family). A driver without a hook follows DMTF; a family's wording is
 * only used when its driver really has the hook, so the report never claims more than the code does.
 */
import type { UpdateFlow, VendorDriver } from '../vendors/types.ts';
import type { Vendor } from '../vocab.ts';

type Hook = keyof UpdateFlow;

const HOOKS: Hook[] = [
  'deliver',
  'taskFromAnswer',
  'taskState',
  'followUntracked',
  'afterTask',
  'multipartTargets',
  'bmcImageAwaitsReset',
  'activationReset',
];

/** What each hook means when a family's own wording is not written down. */
const GENERIC: Record<Hook, string> = {
  deliver: "the driver delivers the image its family's own way where the BMC departs from DMTF",
  taskFromAnswer: 'an answer without Location: the driver finds the task in the answer body',
  taskState: 'task states DMTF does not define are mapped by the driver',
  followUntracked: "an update accepted without a task: followed through the driver's own progress source",
  afterTask: 'after the task ends, the driver follows what the BMC still does (outcome that counts)',
  multipartTargets: 'multipart Targets: the driver names the lists to try in order',
  bmcImageAwaitsReset: 'a BMC image the task reports done may still wait for Manager.Reset',
  activationReset: 'a staged image a host restart does not activate: the driver performs the reset it needs',
};

/** The families' own words, by hook. */
const FAMILY: Partial<Record<Vendor, Partial<Record<Hook, string>>>> = {
  dell: {
    deliver: 'iDRAC 8 HttpPushUri: a multipart `file` part with If-Match (the FirmwareInventory ETag)',
    taskState: 'iDRAC task states: UserIntervention means a reboot or AC cycle is needed',
    afterTask: 'iDRAC JobService (Managers/iDRAC.Embedded.1/Jobs/JID_…) after the Task ends or is deleted',
    activationReset:
      'a job asking for a virtual A/C cycle (CPLD): host off, then Chassis DellOemChassis.ExtendedReset PowerCycle',
  },
  hpe: {
    deliver: "iLO /cgi-bin/uploadFile: iLO's own multipart form",
    followUntracked:
      'SimpleUpdate answers 200 with no task: UpdateService Oem.Hpe.State and FlashProgressPercent',
  },
  lenovo: {
    taskState: 'XCC task states: Verifying, Downloading…',
    afterTask: 'a Completed Task may name a JobService job still flashing: followed to its end',
  },
  supermicro: {
    taskFromAnswer: '202 without Location: the task id is read from the body message args',
  },
  openbmc: {
    taskState: 'bmcweb: Stopping + TaskPaused means the image is staged for the host reset',
    multipartTargets: 'older bmcweb refuses an inventory member as Target: the Manager is tried next',
    bmcImageAwaitsReset: 'bmcweb stages a BMC image (no apply time or OnReset) until Manager.Reset',
  },
};

/** One line per way firmwarden follows progress on this BMC, DMTF first. */
export function describeFollow(driver: VendorDriver, hasTaskService: boolean): string[] {
  const lines = [
    hasTaskService
      ? 'Location of the answer: task monitor polled (202 while running), then the Task; a 202 body @odata.id is kept as the Task'
      : 'Location of the answer: task monitor polled (the service links no TaskService)',
    'no task at all: the inventory read afterwards decides',
  ];
  for (const hook of HOOKS) {
    if (typeof driver[hook] !== 'function') continue;
    lines.push(`${hook}: ${FAMILY[driver.vendor]?.[hook] ?? GENERIC[hook]}`);
  }
  return lines;
}
