import type { AuditEntry, AuditResult } from '../protocol/index.js';
import type { Db } from './db.js';

interface AuditRow {
  id: number;
  at: string;
  user_id: string | null;
  action: string;
  target: string | null;
  result: AuditResult;
  status: number;
  detail: string | null;
}

const toEntry = (r: AuditRow): AuditEntry => ({
  id: r.id,
  at: r.at,
  userId: r.user_id,
  action: r.action,
  target: r.target,
  result: r.result,
  status: r.status,
  detail: r.detail,
});

export interface AuditRecord {
  userId: string | null;
  action: string;
  target: string | null;
  result: AuditResult;
  status: number;
  detail?: string | null;
}

/** The append-only log of state-changing actions (the table's triggers refuse updates and deletes). */
export class AuditStore {
  constructor(private readonly db: Db) {}

  append(r: AuditRecord, at = new Date()): void {
    this.db
      .prepare('INSERT INTO audit (at, user_id, action, target, result, status, detail) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(at.toISOString(), r.userId, r.action, r.target, r.result, r.status, r.detail ?? null);
  }

  list(q: { userId?: string; action?: string; before?: number; limit: number }): AuditEntry[] {
    const rows = this.db
      .prepare(`SELECT * FROM audit
                WHERE (@userId IS NULL OR user_id = @userId) AND (@action IS NULL OR action = @action)
                  AND (@before IS NULL OR id < @before)
                ORDER BY id DESC LIMIT @limit`)
      .all({ userId: q.userId ?? null, action: q.action ?? null, before: q.before ?? null, limit: q.limit }) as AuditRow[];
    return rows.map(toEntry);
  }
}
