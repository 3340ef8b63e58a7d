/** Task (Task.v1_8_0): a long-running operation, reached through a task monitor or directly. */
import { z } from 'zod';
import { ResourceSchema } from './common.ts';

export const TaskSchema = ResourceSchema.extend({
  TaskState: z.string().optional(),
  TaskStatus: z.string().nullish(),
  PercentComplete: z.number().nullish(),
  StartTime: z.string().nullish(),
  EndTime: z.string().nullish(),
  TaskMonitor: z.string().optional(),
  Messages: z
    .array(z.looseObject({ MessageId: z.string().optional(), Message: z.string().optional() }))
    .optional(),
});
export type Task = z.infer<typeof TaskSchema>;
