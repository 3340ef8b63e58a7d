/**
 * `firmwarden rollout status` as text: component lines by their human names (keys stay in
 * --json), a failed server's error as text, and tables cut to the terminal's width.
 */
import { describe, expect, it } from 'vitest';
import { renderStatus } from '../../src/cli/rollout-command.ts';
import type { ActingVersionRecord, RolloutRecord, RolloutServerRecord } from '../../src/store/types.ts';

const ROLLOUT: RolloutRecord = {
  id: 'r1',
  name: 'bmc-2026q4',
  status: 'paused',
  spec: {},
  createdAt: 't',
  updatedAt: 't',
};
const server = (name: string, step: RolloutServerRecord['step'], detail?: unknown): RolloutServerRecord => ({
  rolloutId: 'r1',
  server: name,
  wave: 1,
  step,
  attempts: 1,
  updatedAt: 't',
  labels: {},
  ...(detail === undefined ? {} : { detail }),
});
const SERVERS = [
  server('sim-0003', 'done'),
  server('sim-0006', 'failed', {
    error: `FW_ERR_UPDATE_FAILED: Software Inventory: FW_ERR_TASK_FAILED: task "/redfish/v1/TaskService/Tasks/1": ended Exception ${'x'.repeat(200)}`,
    code: 'FW_ERR_UPDATE_FAILED',
    leftDrained: true,
  }),
];
const acting = (
  line: string,
  name: string | undefined,
  lowest: string,
  target: string,
): ActingVersionRecord => ({
  rolloutId: 'r1',
  line,
  ...(name === undefined ? {} : { name }),
  kind: line.split('|')[1] as string,
  lowest,
  highest: target,
  target,
  converged: lowest === target,
  at: 't',
});
const HPE_KEY = 'hpe|bmc|dc:2f317b9d-c9e3-4d76-bff6-b9d0d085a952|868703-B21';
const ACTING = [
  acting(HPE_KEY, 'iLO 5 (BMC, ProLiant DL380 Gen10)', '2.78 Apr 28 2023', '2.79 Apr 28 2023'),
  acting(
    'openbmc|bios|name:software inventory|Romulus',
    'Software Inventory (BIOS, Romulus)',
    '3.6.1',
    '3.6.1',
  ),
];

describe('rollout status text', () => {
  it('names component lines as humans read them, never by key', () => {
    const text = renderStatus(ROLLOUT, SERVERS, ACTING);
    expect(text).toMatch(
      /^iLO 5 \(BMC, ProLiant DL380 Gen10\)\s+2\.78 Apr 28 2023\s+2\.79 Apr 28 2023\s+no/m,
    );
    expect(text).toMatch(/^Software Inventory \(BIOS, Romulus\)\s+3\.6\.1\s+3\.6\.1\s+yes$/m);
    expect(text).not.toContain('|');
  });

  it('shows the key of a line recorded before lines had names', () => {
    expect(renderStatus(ROLLOUT, [], [acting(HPE_KEY, undefined, '1', '2')])).toContain(HPE_KEY);
  });

  it('prints a failure as its error text, cut with …', () => {
    const row = renderStatus(ROLLOUT, SERVERS, [])
      .split('\n')
      .find((l) => l.includes('sim-0006'));
    expect(row).toMatch(/failed\s+1\s+FW_ERR_UPDATE_FAILED: Software Inventory: FW_ERR_TASK_FAILED: task/);
    expect(row).toMatch(/…$/);
    expect(row).not.toContain('{');
  });

  it.each([80, 100])('every table line fits a %i-column terminal', (columns) => {
    const rows = renderStatus(ROLLOUT, SERVERS, ACTING, columns).split('\n').slice(2);
    for (const l of rows) expect(l.length).toBeLessThanOrEqual(columns);
    expect(rows.join('\n')).toContain('iLO 5');
  });
});
