/**
 * iDRAC 9's virtual A/C power cycle: the reset that activates a staged CPLD image (and some
 * PSU/backplane images), which a host restart leaves waiting. The job ends UserIntervention with
 * a message naming a "virtual A/C power cycle" (job-service.ts needsAcCycle). The action is
 * Chassis/System.Embedded.1 Actions.Oem["#DellOemChassis.ExtendedReset"], ResetType PowerCycle
 * and FinalPowerState On|Off; it drains flea power like pulling the cords, needs the host Off
 * (else 409 IDRAC.2.9.PSU507 "... because the server is powered on") and answers 204. iDRAC 9
 * 7.00.60 or later. Sources: iDRAC-Redfish-Scripting ServerVirtualAcPowerCycleREDFISH.py
 * (--oem-ac-cycle, --power-off, --final-power-state); Dell OpenManage Ansible
 * redfish_powerstate.py (oem_reset_type, MINIMUM_SUPPORTED_FIRMWARE_VERSION 7.00.60, PSU507).
 */
import { z } from 'zod';
import { UnsupportedError } from '../../errors.ts';
import type { TaskOutcome } from '../../redfish/task-monitor.ts';
import type { ActionContext, ActivationReset, InstallTarget } from '../types.ts';
import { needsAcCycle } from './job-service.ts';

/** The iDRAC's chassis: the server itself (FQDD System.Embedded.1). */
export const DELL_CHASSIS = '/redfish/v1/Chassis/System.Embedded.1';
const ACTION = '#DellOemChassis.ExtendedReset';

const ChassisActionsSchema = z.looseObject({
  Actions: z
    .looseObject({
      Oem: z
        .looseObject({
          [ACTION]: z
            .looseObject({
              target: z.string(),
              'ResetType@Redfish.AllowableValues': z.array(z.string()).optional(),
              'FinalPowerState@Redfish.AllowableValues': z.array(z.string()).optional(),
            })
            .optional(),
        })
        .optional(),
    })
    .optional(),
});

/** The ExtendedReset action as the chassis announces it. */
interface ExtendedReset {
  target: string;
  resetTypes?: string[];
  finalStates?: string[];
}

/** Reads the action from the chassis; undefined where the iDRAC does not offer it (before 7.00.60). */
export async function findExtendedReset(ctx: ActionContext): Promise<ExtendedReset | undefined> {
  const opts = ctx.signal ? { signal: ctx.signal } : {};
  const chassis = await ctx.client.get(DELL_CHASSIS, ChassisActionsSchema, opts);
  const action = chassis.Actions?.Oem?.[ACTION];
  if (action === undefined) return undefined;
  const resetTypes = action['ResetType@Redfish.AllowableValues'];
  const finalStates = action['FinalPowerState@Redfish.AllowableValues'];
  return {
    target: action.target,
    ...(resetTypes ? { resetTypes } : {}),
    ...(finalStates ? { finalStates } : {}),
  };
}

/** The virtual A/C power cycle, performed with the host already off. */
export const virtualAcCycle: ActivationReset = {
  name: 'virtual A/C power cycle (DellOemChassis.ExtendedReset PowerCycle)',
  async perform(ctx) {
    const action = await findExtendedReset(ctx);
    if (action === undefined) {
      throw new UnsupportedError(
        `${ctx.client.name}: ${DELL_CHASSIS} offers no Actions.Oem.${ACTION} (iDRAC 9 7.00.60 or later has it): power-cycle the server at its A/C cords to activate the staged firmware`,
      );
    }
    if (action.resetTypes && !action.resetTypes.includes('PowerCycle')) {
      throw new UnsupportedError(
        `${ctx.client.name}: ${ACTION} offers ResetType ${action.resetTypes.join(', ')}, not PowerCycle`,
      );
    }
    // FinalPowerState On: the iDRAC powers the host on once the cycle is over, so the host is
    // back as it was before the update (ServerVirtualAcPowerCycleREDFISH.py --final-power-state).
    const on = !action.finalStates || action.finalStates.includes('On');
    await ctx.client.post(action.target, {
      ResetType: 'PowerCycle',
      ...(on ? { FinalPowerState: 'On' } : {}),
    });
  },
};

/** The activationReset hook: a job that asks for a virtual A/C cycle gets one. */
export function dellActivationReset(
  outcome: TaskOutcome,
  _target: InstallTarget,
): ActivationReset | undefined {
  return outcome.messages.some((m) => needsAcCycle({ Message: m.text ?? null })) ? virtualAcCycle : undefined;
}
