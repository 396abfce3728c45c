import { z } from 'zod';
import { Id, Name, Timestamp } from './common.js';

export const Role = z.enum(['admin', 'user']);
export type Role = z.infer<typeof Role>;

export const User = z.object({
  id: Id,
  name: Name,
  role: Role,
  createdAt: Timestamp,
});
export type User = z.infer<typeof User>;

export const CreateUserBody = z.strictObject({
  name: Name,
  role: Role.default('user'),
});
export type CreateUserBody = z.input<typeof CreateUserBody>;

export const UserList = z.object({ items: z.array(User) });
export type UserList = z.infer<typeof UserList>;
