/** The Dell activationReset hook: only a job that names a virtual A/C cycle gets one. */
import { expect, it } from 'vitest';
import type { TaskOutcome } from '../../../src/redfish/task-monitor.ts';
import { dellActivationReset, virtualAcCycle } from '../../../src/vendors/dell/ac-cycle.ts';
import type { InstallTarget } from '../../../src/vendors/types.ts';

const target: InstallTarget = { uri: '/x', id: 'x', name: 'CPLD', kind: 'cpld', from: '1.0.0', to: '1.0.1' };
const staged = (text: string): TaskOutcome => ({
  outcome: 'staged',
  state: 'UserIntervention',
  messages: [{ id: 'Update.1.0.AwaitToActivate', text }],
  polls: 1,
});

it('a job asking for a virtual A/C power cycle gets the ExtendedReset; a reboot or no text does not', () => {
  expect(
    dellActivationReset(
      staged(
        'Job completed successfully. A virtual A/C power cycle is required for the new firmware to take effect.',
      ),
      target,
    ),
  ).toBe(virtualAcCycle);
  expect(dellActivationReset(staged('A server reboot is required.'), target)).toBeUndefined();
  expect(
    dellActivationReset({ outcome: 'staged', messages: [{ id: 'AwaitToActivate' }], polls: 1 }, target),
  ).toBe(undefined);
});
