/**
 * iDRAC's DellJobService and its DeleteJobQueue action (iDRAC 8 2.40+ and 9), the way Dell's own
 * script clears the Lifecycle Controller job queue (iDRAC-Redfish-Scripting
 * DeleteJobQueueREDFISH.py: POST .../DellJobService/Actions/DellJobService.DeleteJobQueue with
 * {"JobID": "<JID_…>"} for one job or "JID_CLEARALL" for the whole queue; success is 200).
 * A cleared job leaves the Jobs collection and its Task goes with it; a job still waiting (a
 * scheduled update) is cancelled and will not run at the next reboot. A job still running stays:
 * the same script reserves that for JID_CLEARALL_FORCE, which also restarts the Lifecycle
 * Controller ("a job stuck in running state"); the simulator answers FORCE like CLEARALL and does
 * not model the restart. Deleting one running job by its id is refused with 409 ResourceInUse (the
 * simulator's choice of error; a real iDRAC answers 400 with its own message).
 */
import { baseError, baseMessage, renderMessage } from '../redfish-errors.ts';
import { obj } from '../resource-tree.ts';
import type { SimHost } from '../sim-host.ts';
import type { SimRequest, SimResponse } from '../sim-http.ts';
import { ROOT } from './common.ts';
import type { BmcBuilder } from './profile.ts';

export const DELL_JOB_SERVICE = `${ROOT}/Dell/Managers/iDRAC.Embedded.1/DellJobService`;
const DELETE_JOB_QUEUE = `${DELL_JOB_SERVICE}/Actions/DellJobService.DeleteJobQueue`;

/** The DellJobService resource (at the fixed path Dell's scripts use). */
export function addDellJobService(b: BmcBuilder): void {
  b.tree.put(DELL_JOB_SERVICE, {
    '@odata.context': `${ROOT}/$metadata#DellJobService.DellJobService`,
    '@odata.id': DELL_JOB_SERVICE,
    '@odata.type': '#DellJobService.v1_1_0.DellJobService',
    Actions: {
      '#DellJobService.DeleteJobQueue': { target: DELETE_JOB_QUEUE },
    },
    Description: 'The DellJobService resource provides some actions to support Job management functionality.',
    Id: 'Job Service',
    Name: 'DellJobService',
  });
}

/** Registers DeleteJobQueue on the running BMC. */
export function registerDellJobService(host: SimHost): void {
  host.route('POST', DELETE_JOB_QUEUE, (req) => deleteJobQueue(host, req));
}

async function deleteJobQueue(host: SimHost, req: SimRequest): Promise<SimResponse> {
  const style = host.profile.messages;
  const body = obj(await req.json());
  if (body === undefined) throw baseError(style, 'UnrecognizedRequestBody');
  const id = body['JobID'];
  if (id === undefined) throw baseError(style, 'ActionParameterMissing', ['DeleteJobQueue', 'JobID']);
  if (typeof id !== 'string')
    throw baseError(style, 'ActionParameterValueTypeError', [JSON.stringify(id), 'JobID', 'DeleteJobQueue']);
  if (id === 'JID_CLEARALL' || id === 'JID_CLEARALL_FORCE') {
    for (const jid of host.tasks.ids()) host.tasks.discard(jid);
  } else {
    const result = host.tasks.discard(id);
    if (result === 'unknown') throw baseError(style, 'ResourceNotFound', ['Job', id]);
    if (result === 'busy') throw baseError(style, 'ResourceInUse');
  }
  return {
    status: 200,
    body: { '@Message.ExtendedInfo': [renderMessage(style, baseMessage(style, 'Success'))] },
  };
}
