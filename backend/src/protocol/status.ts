import { z } from 'zod';
import { Timestamp } from './common.js';
import { User } from './users.js';

export const Driver = z.enum(['auto', 'local', 'docker', 'kubernetes']);
export type Driver = z.infer<typeof Driver>;

export const Health = z.object({
  status: z.literal('ok'),
  version: z.string(),
  startedAt: Timestamp,
});
export type Health = z.infer<typeof Health>;

/** What `GET /api/v1/me` answers: who the token belongs to and what the server runs with. */
export const Me = z.object({
  user: User,
  tokenId: z.string(),
  server: z.object({
    version: z.string(),
    driver: Driver,
    tls: z.boolean(),
    startedAt: Timestamp,
  }),
});
export type Me = z.infer<typeof Me>;
