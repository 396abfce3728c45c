import { z } from 'zod';
import { Id, Limit, Name, Timestamp } from './common.js';

/** A token as listed: never the secret itself, only the first characters to recognise it. */
export const TokenInfo = z.object({
  id: Id,
  userId: Id,
  name: Name,
  prefix: z.string(),
  createdAt: Timestamp,
  expiresAt: Timestamp.nullable(),
  lastUsedAt: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
});
export type TokenInfo = z.infer<typeof TokenInfo>;

export const CreateTokenBody = z.strictObject({
  name: Name,
  /** An admin may mint a token for another user; everyone else gets one for themselves. */
  userId: Id.optional(),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export type CreateTokenBody = z.input<typeof CreateTokenBody>;

/** The only answer that ever carries the secret: shown once, stored hashed. */
export const CreatedToken = TokenInfo.extend({ token: z.string() });
export type CreatedToken = z.infer<typeof CreatedToken>;

export const TokenListQuery = z.strictObject({
  userId: Id.optional(),
  includeRevoked: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: Limit,
});
export type TokenListQuery = z.input<typeof TokenListQuery>;

export const TokenList = z.object({ items: z.array(TokenInfo) });
export type TokenList = z.infer<typeof TokenList>;
