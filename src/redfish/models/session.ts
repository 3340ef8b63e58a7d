/** Session (Session.v1_7_0): what POST SessionService/Sessions returns. */
import { z } from 'zod';

export const SessionSchema = z.looseObject({
  '@odata.id': z.string().optional(),
  Id: z.string().optional(),
  UserName: z.string().nullish(),
});
export type Session = z.infer<typeof SessionSchema>;
