import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RedfishResponse } from '../../../src/redfish/transport.ts';
import { supermicro } from '../../../src/vendors/index.ts';

const answer = (body: unknown): RedfishResponse => ({ status: 202, headers: {}, body, uri: '/upload' });
const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/vendors/supermicro/${name}`, import.meta.url), 'utf8'));

describe('Supermicro 202 without Location: the task from the Accepted object', () => {
  it('takes the task URI from MessageArgs, not from the Message text (they disagree in the payload)', () => {
    const res = answer(fixture('updateservice_ok_response.json'));
    expect(supermicro.taskFromAnswer(res)).toBe('/redfish/v1/TaskService/Tasks/1234');
  });

  it('finds nothing when no argument names a task', () => {
    expect(
      supermicro.taskFromAnswer(answer(fixture('updateservice_unexpected_response.json'))),
    ).toBeUndefined();
  });

  it('finds nothing in a body that is not the Accepted object (HTML, a Task, nothing)', () => {
    expect(supermicro.taskFromAnswer(answer('<html>crappy bmc</html>'))).toBeUndefined();
    expect(
      supermicro.taskFromAnswer(answer({ '@odata.id': '/redfish/v1/TaskService/Tasks/1' })),
    ).toBeUndefined();
    expect(supermicro.taskFromAnswer(answer(undefined))).toBeUndefined();
  });

  it('ignores arguments that are not a Task URI', () => {
    const body = { Accepted: { '@Message.ExtendedInfo': [{ MessageArgs: ['/redfish/v1/Managers/1', 7] }] } };
    expect(supermicro.taskFromAnswer(answer(body))).toBeUndefined();
  });
});
