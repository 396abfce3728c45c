import { z } from 'zod';
import { Id, Limit, Timestamp } from './common.js';

export const AuditResult = z.enum(['ok', 'denied', 'failed']);
export type AuditResult = z.infer<typeof AuditResult>;

export const AuditEntry = z.object({
  id: z.number().int(),
  at: Timestamp,
  userId: Id.nullable(),
  action: z.string(),
  target: z.string().nullable(),
  result: AuditResult,
  status: z.number().int(),
  detail: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditQuery = z.strictObject({
  userId: Id.optional(),
  action: z.string().max(100).optional(),
  /** Entries with an id below this one: page backwards through the log. */
  before: z.coerce.number().int().positive().optional(),
  limit: Limit,
});
export type AuditQuery = z.input<typeof AuditQuery>;

export const AuditList = z.object({ items: z.array(AuditEntry) });
export type AuditList = z.infer<typeof AuditList>;
