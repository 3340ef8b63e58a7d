/**
 * Answers shared by the update entry points: the vendor's 202 for an accepted update, and the
 * 503 a one-update-at-a-time BMC (bmcweb) gives while another update runs.
 */
import { baseError, baseMessage, renderMessage } from '../redfish-errors.ts';
import type { SimHost } from '../sim-host.ts';
import type { SimResponse } from '../sim-http.ts';
import type { SimTask } from '../tasks/task-service.ts';

/** 202 + Location + Retry-After, with the body the vendor sends (no Location where it sends none). */
export function acceptedAnswer(host: SimHost, task: SimTask): SimResponse {
  const res = acceptedWithBody(host, task);
  if (host.profile.updates.acceptedLocation === false && res.headers) delete res.headers['Location'];
  return res;
}

function acceptedWithBody(host: SimHost, task: SimTask): SimResponse {
  const kind = host.profile.updates.acceptedBody;
  if (kind === 'task') return host.tasks.accepted(task);
  if (kind === 'none') return host.tasks.accepted(task, null);
  if (kind === 'ilo-ok') {
    // iLO 5 before 2.30 (HPE dev blog "HPE firmware updates: Part 3", 2020): 200, no task to poll.
    const style = host.profile.messages;
    return {
      status: 200,
      body: { '@Message.ExtendedInfo': [renderMessage(style, baseMessage(style, 'Success'))] },
    };
  }
  // Supermicro X12 (fixture update-services/updateservice_ok_response.json).
  const base = host.profile.messages.base;
  return host.tasks.accepted(task, {
    Accepted: {
      code: `${base}.Accepted`,
      Message:
        'Successfully Accepted Request. Please see the location header and ExtendedInfo for more information.',
      '@Message.ExtendedInfo': [
        {
          MessageId: 'SMC.1.0.OemSimpleupdateAcceptedMessage',
          Severity: 'Ok',
          Resolution: 'No resolution was required.',
          Message: `Please also check Task Resource ${task.path} to see more information.`,
          MessageArgs: [task.path],
          RelatedProperties: ['SimpleUpdateAccepted'],
        },
      ],
    },
  });
}

/** bmcweb allows one update at a time: 503 ServiceTemporarilyUnavailable + Retry-After. */
export function refuseWhenBusy(host: SimHost): void {
  if (!host.profile.updates.exclusive || !host.updates.busy) return;
  const secs = String(Math.max(1, host.timing.retryAfterSeconds));
  const err = baseError(host.profile.messages, 'ServiceTemporarilyUnavailable', [secs]);
  err.headers['Retry-After'] = secs;
  throw err;
}
