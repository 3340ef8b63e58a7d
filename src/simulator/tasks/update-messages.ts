/**
 * Messages of the DMTF Update registry (Update.1.x, DSP8011) that simulated update tasks carry,
 * with the registry's texts; %1, %2 are replaced by the arguments. The prefix (e.g. "Update.1.0")
 * comes from the vendor's update policy.
 */
import type { SimMessage } from '../redfish-errors.ts';

interface UpdateEntry {
  severity: SimMessage['Severity'];
  message: string;
  resolution: string;
}

const UPDATE = {
  TargetDetermined: {
    severity: 'OK',
    message: "The target device '%1' will be updated with image '%2'.",
    resolution: 'None.',
  },
  TransferringToComponent: {
    severity: 'OK',
    message: "Image '%1' is being transferred to '%2'.",
    resolution: 'None.',
  },
  VerifyingAtComponent: {
    severity: 'OK',
    message: "Image '%1' is being verified at '%2'.",
    resolution: 'None.',
  },
  InstallingOnComponent: {
    severity: 'OK',
    message: "Image '%1' is being installed on '%2'.",
    resolution: 'None.',
  },
  TransferFailed: {
    severity: 'Critical',
    message: "Transfer of image '%1' to '%2' failed.",
    resolution: 'None.',
  },
  VerificationFailed: {
    severity: 'Critical',
    message: "Verification of image '%1' at '%2' failed.",
    resolution: 'None.',
  },
  ApplyFailed: {
    severity: 'Critical',
    message: "Installation of image '%1' to '%2' failed.",
    resolution: 'None.',
  },
  ActivateFailed: {
    severity: 'Critical',
    message: "Activation of image '%1' on '%2' failed.",
    resolution: 'None.',
  },
  AwaitToUpdate: {
    severity: 'OK',
    message: "Awaiting for an action to proceed with installing image '%1' on '%2'.",
    resolution: 'Perform the requested action to advance the update operation.',
  },
  AwaitToActivate: {
    severity: 'OK',
    message: "Awaiting for an action to proceed with activating image '%1' on '%2'.",
    resolution: 'Perform the requested action to advance the update operation.',
  },
  UpdateSuccessful: {
    severity: 'OK',
    message: "Device '%1' successfully updated with image '%2'.",
    resolution: 'None.',
  },
} as const satisfies Record<string, UpdateEntry>;

export type UpdateMessageKey = keyof typeof UPDATE;

/** The failure messages, in the order an update can hit them. */
export const UPDATE_FAILURES = [
  'TransferFailed',
  'VerificationFailed',
  'ApplyFailed',
  'ActivateFailed',
] as const;
export type UpdateFailure = (typeof UPDATE_FAILURES)[number];

/** Builds one Update registry message with its arguments filled in. */
export function updateMessage(registry: string, key: UpdateMessageKey, args: string[]): SimMessage {
  const entry: UpdateEntry = UPDATE[key];
  return {
    MessageId: `${registry}.${key}`,
    Message: entry.message.replace(/%(\d)/g, (_, n: string) => args[Number(n) - 1] ?? ''),
    MessageArgs: args,
    Severity: entry.severity,
    Resolution: entry.resolution,
  };
}

const TASK_EVENT = {
  TaskPaused: { severity: 'Warning', message: "The task with Id '%1' has been paused.", resolution: 'None.' },
  TaskCompletedOK: { severity: 'OK', message: "The task with Id '%1' has completed.", resolution: 'None.' },
} as const satisfies Record<string, UpdateEntry>;

/**
 * A TaskEvent registry message (TaskEvent.1.0.3), as bmcweb's update task adds them
 * (redfish-core/include/task_messages.hpp).
 */
export function taskEventMessage(key: keyof typeof TASK_EVENT, taskId: string): SimMessage {
  const entry: UpdateEntry = TASK_EVENT[key];
  return {
    MessageId: `TaskEvent.1.0.3.${key}`,
    Message: entry.message.replace('%1', taskId),
    MessageArgs: [taskId],
    Severity: entry.severity,
    Resolution: entry.resolution,
  };
}
