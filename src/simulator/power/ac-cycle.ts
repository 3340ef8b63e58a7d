/**
 * iDRAC 9's virtual A/C power cycle: POST Chassis/System.Embedded.1/Actions/Oem/
 * DellOemChassis.ExtendedReset {ResetType: PowerCycle, FinalPowerState: On|Off}. It drains flea
 * power like pulling the cords, so firmware that activates only on A/C loss (CPLD) runs after it;
 * a host restart never does that. The host must be Off: otherwise 409 IDRAC.2.9.PSU507 "Unable to
 * perform the Virtual AC power-cycle operation because the server is powered on." A success
 * answers 204; FinalPowerState On powers the host on once the cycle is over (absent: it stays
 * off, as it was). iDRAC 9 7.00.60 or later. Sources: iDRAC-Redfish-Scripting
 * ServerVirtualAcPowerCycleREDFISH.py (--oem-ac-cycle: "server must be powered off first", 204);
 * Dell OpenManage Ansible redfish_powerstate.py and its unit test (PSU507 on 409, AllowableValues
 * PowerCycle / On, Off). The iDRAC itself is modelled as staying up through the cycle.
 */
import { baseError, SimHttpError } from '../redfish-errors.ts';
import { type Json, obj } from '../resource-tree.ts';
import type { SimHost } from '../sim-host.ts';
import type { SimResponse } from '../sim-http.ts';

const CHASSIS = '/redfish/v1/Chassis';
const ACTION = '#DellOemChassis.ExtendedReset';

/** What the power model does for the cycle (power/host-power.ts). */
export interface AcCyclePower {
  readonly state: string;
  readonly busy: boolean;
  /** Runs the cycle in the background: A/C off, A/C-activated firmware runs, host on if asked. */
  acCycle(finalOn: boolean): void;
}

function allowed(action: Json, name: string): string[] | undefined {
  const v = action[`${name}@Redfish.AllowableValues`];
  return Array.isArray(v) ? v.map(String) : undefined;
}

/** Registers the action where the first Chassis announces it (iDRAC 9 profiles). */
export function registerAcCycle(host: SimHost, power: AcCyclePower): void {
  const chassis = host.tree.has(CHASSIS) ? host.tree.members(CHASSIS)[0] : undefined;
  const oem = obj(obj(chassis === undefined ? undefined : host.tree.get(chassis)?.['Actions'])?.['Oem']);
  const action = obj(oem?.[ACTION]);
  if (typeof action?.['target'] !== 'string') return;
  const style = host.profile.messages;
  host.route('POST', action['target'], async (req): Promise<SimResponse> => {
    const body = obj(await req.json());
    if (body === undefined) throw baseError(style, 'UnrecognizedRequestBody');
    const name = 'DellOemChassis.ExtendedReset';
    const type = body['ResetType'];
    if (type === undefined) throw baseError(style, 'ActionParameterMissing', [name, 'ResetType']);
    for (const p of ['ResetType', 'FinalPowerState']) {
      const v = body[p];
      if (v === undefined) continue;
      const values = allowed(action, p);
      if (typeof v !== 'string' || (values !== undefined && !values.includes(v)))
        throw baseError(style, 'ActionParameterValueNotInList', [String(v), p, name]);
    }
    if (power.busy) throw baseError(style, 'ResourceInUse');
    if (power.state !== 'Off') {
      throw new SimHttpError(409, [
        {
          MessageId: 'IDRAC.2.9.PSU507',
          Message: 'Unable to perform the Virtual AC power-cycle operation because the server is powered on.',
          MessageArgs: [],
          Severity: 'Warning',
          Resolution: 'Power off the server and retry the operation.',
        },
      ]);
    }
    power.acCycle(body['FinalPowerState'] === 'On');
    return { status: 204 };
  });
}
