import type { Role, User } from '../protocol/index.js';
import type { Db } from './db.js';
import { newId } from './ids.js';

interface UserRow {
  id: string;
  name: string;
  role: Role;
  created_at: string;
}

const toUser = (r: UserRow): User => ({ id: r.id, name: r.name, role: r.role, createdAt: r.created_at });

export class UserStore {
  constructor(private readonly db: Db) {}

  create(name: string, role: Role): User {
    const row: UserRow = { id: newId('usr'), name, role, created_at: new Date().toISOString() };
    this.db.prepare('INSERT INTO users (id, name, role, created_at) VALUES (@id, @name, @role, @created_at)').run(row);
    return toUser(row);
  }

  get(id: string): User | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row && toUser(row);
  }

  byName(name: string): User | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE name = ?').get(name) as UserRow | undefined;
    return row && toUser(row);
  }

  list(): User[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY created_at, id').all() as UserRow[]).map(toUser);
  }

  firstAdmin(): User | undefined {
    const row = this.db.prepare("SELECT * FROM users WHERE role = 'admin' ORDER BY created_at LIMIT 1").get() as UserRow | undefined;
    return row && toUser(row);
  }
}
