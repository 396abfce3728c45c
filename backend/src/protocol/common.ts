import { z } from 'zod';

/** Resource ids are short opaque strings with a type prefix (`usr_…`, `tok_…`). */
export const Id = z.string().regex(/^[a-z]{2,4}_[A-Za-z0-9]{8,32}$/, 'must be an id like "usr_ab12cd34"');

/** ISO-8601 timestamps in UTC. */
export const Timestamp = z.iso.datetime();

/** Human-given names: printable, no path separators, no leading dash (never mistaken for an option). */
export const Name = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._@-]*$/, 'may hold letters, digits, space, ".", "_", "@", "-" and must start with a letter or digit');

/** `?limit=` on list routes: a string in the query, a bounded integer after parsing. */
export const Limit = z.coerce.number().int().min(1).max(1000).default(100);

export const IdParams = z.strictObject({ id: Id });
export type IdParams = z.infer<typeof IdParams>;

export const Empty = z.strictObject({});
