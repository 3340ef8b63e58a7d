/**
 * Supermicro's answer to an accepted update: a 202 whose body is not a Task but an "Accepted"
 * object, the task named only in a message argument ("/redfish/v1/TaskService/Tasks/<id>"). Older
 * BMC firmware sends no Location with it, so this body is the only way to the task (bmclib
 * internal/redfishwrapper/firmware.go, taskIDFromResponseBody).
 */
import { z } from 'zod';
import type { RedfishResponse } from '../../redfish/transport.ts';

const AcceptedSchema = z.object({
  Accepted: z.object({
    '@Message.ExtendedInfo': z
      .array(z.object({ MessageArgs: z.array(z.unknown()).optional() }).passthrough())
      .optional(),
  }),
});

/** The task URI an "Accepted" body names, or undefined when it names none. */
export function taskFromAccepted(res: RedfishResponse): string | undefined {
  const parsed = AcceptedSchema.safeParse(res.body);
  if (!parsed.success) return undefined;
  for (const info of parsed.data.Accepted['@Message.ExtendedInfo'] ?? []) {
    for (const arg of info.MessageArgs ?? []) {
      if (typeof arg === 'string' && /\/TaskService\/Tasks\/[^/]+\/?$/.test(arg)) return arg;
    }
  }
  return undefined;
}
