/**
 * An image is ok only when a digest or an SPDM measurement was compared; with only Status and
 * Version to go by it is "not checkable" (neither ok nor corrupt); any finding on the component
 * makes it corrupt, while a bad slice copy concerns the copy, not the installed image.
 */
import { describe, expect, it } from 'vitest';
import { type Finding, type IntegritySignal, integrityVerdict } from '../../src/backup/index.ts';

const finding = (kind: Finding['kind']): Finding => ({
  kind,
  component: 'iLO 5',
  uri: '/redfish/v1/UpdateService/FirmwareInventory/1',
  seen: 'x',
  detail: 'iLO 5: x',
});

describe('integrityVerdict', () => {
  it.each<[string, Finding[], IntegritySignal[], string]>([
    ['status and version only', [], ['status', 'version'], 'not-checkable'],
    ['version only', [], ['version'], 'not-checkable'],
    ['digest read back and matching', [], ['status', 'version', 'digest'], 'ok'],
    ['measurement against its baseline', [], ['version', 'measurement'], 'ok'],
    ['Health Critical with nothing else to go by', [finding('health')], ['status', 'version'], 'corrupt'],
    ['digest differing', [finding('digest')], ['status', 'version', 'digest'], 'corrupt'],
    ['only the slice copy is bad', [finding('slice-copy')], ['status', 'version'], 'not-checkable'],
  ])('%s: %s', (_name, findings, signals, state) => {
    const v = integrityVerdict(findings, signals, () => 'why');
    expect(v.state).toBe(state);
    expect(v.signals).toEqual(signals);
    expect(v.reason).toBe(state === 'not-checkable' ? 'why' : undefined);
  });
});
