/** The ResetType each power action sends, per offered types and power state (pure). */
import { describe, expect, it } from 'vitest';
import { powerStep } from '../../src/actions/host-power.ts';

const IDRAC9 = ['On', 'ForceOff', 'ForceRestart', 'GracefulShutdown', 'PushPowerButton', 'Nmi'];
const BMCWEB = [
  'On',
  'ForceOff',
  'ForceOn',
  'ForceRestart',
  'GracefulRestart',
  'GracefulShutdown',
  'PowerCycle',
  'Nmi',
];

describe('powerStep', () => {
  it.each([
    ['on', IDRAC9, 'Off', { resetType: 'On' }],
    ['on', IDRAC9, 'On', { nothing: 'already On' }],
    ['on', ['ForceOn'], 'Off', { resetType: 'ForceOn' }],
    ['off', IDRAC9, 'On', { resetType: 'ForceOff' }],
    ['off', IDRAC9, 'Off', { nothing: 'already Off' }],
    ['graceful-off', IDRAC9, 'On', { resetType: 'GracefulShutdown' }],
    ['graceful-off', ['On', 'PushPowerButton'], 'On', { resetType: 'PushPowerButton' }],
    ['cycle', BMCWEB, 'On', { resetType: 'PowerCycle' }],
    ['cycle', IDRAC9, 'On', { resetType: 'ForceRestart' }],
    ['cycle', IDRAC9, 'Off', { resetType: 'On' }],
    ['cycle', undefined, 'On', { resetType: 'PowerCycle' }],
  ] as const)('%s with %j, host %s → %j', (action, types, power, step) => {
    expect(powerStep(action, types ? [...types] : undefined, power)).toEqual(step);
  });

  it('refuses an action the system offers no ResetType for', () => {
    expect(() => powerStep('off', ['On', 'GracefulShutdown'], 'On')).toThrow(/no ResetType for "off"/);
    expect(() => powerStep('cycle', ['On', 'ForceOff'], 'On')).toThrow(/FW_ERR_UNSUPPORTED|no ResetType/);
  });
});
