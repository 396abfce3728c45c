import type { TokenInfo } from '../protocol/index.js';
import { generateToken, hashToken, tokenPrefix } from '../auth/secrets.js';
import type { Db } from './db.js';
import { newId } from './ids.js';

interface TokenRow {
  id: string;
  user_id: string;
  name: string;
  hash: string;
  prefix: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

const toInfo = (r: TokenRow): TokenInfo => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  prefix: r.prefix,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

export interface NewToken {
  userId: string;
  name: string;
  expiresAt?: string;
  /** A secret chosen by the operator (MLWB_ADMIN_TOKEN); generated when absent. */
  secret?: string;
}

/** How often `last_used_at` is rewritten: a write per request would serialise every read on the store. */
const LAST_USED_RESOLUTION_MS = 60_000;

export class TokenStore {
  constructor(private readonly db: Db) {}

  create(t: NewToken): TokenInfo & { token: string } {
    const token = t.secret ?? generateToken();
    const row: TokenRow = {
      id: newId('tok'),
      user_id: t.userId,
      name: t.name,
      hash: hashToken(token),
      prefix: tokenPrefix(token),
      created_at: new Date().toISOString(),
      expires_at: t.expiresAt ?? null,
      last_used_at: null,
      revoked_at: null,
    };
    this.db
      .prepare(`INSERT INTO tokens (id, user_id, name, hash, prefix, created_at, expires_at, last_used_at, revoked_at)
                VALUES (@id, @user_id, @name, @hash, @prefix, @created_at, @expires_at, @last_used_at, @revoked_at)`)
      .run(row);
    return { ...toInfo(row), token };
  }

  /** The live token with this secret, if any: not revoked and not expired. */
  findActive(token: string, now = new Date()): TokenInfo | undefined {
    const row = this.db.prepare('SELECT * FROM tokens WHERE hash = ?').get(hashToken(token)) as TokenRow | undefined;
    if (!row || row.revoked_at) return undefined;
    if (row.expires_at && row.expires_at <= now.toISOString()) return undefined;
    return toInfo(row);
  }

  touch(info: TokenInfo, now = new Date()): void {
    if (info.lastUsedAt && now.getTime() - Date.parse(info.lastUsedAt) < LAST_USED_RESOLUTION_MS) return;
    this.db.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?').run(now.toISOString(), info.id);
  }

  get(id: string): TokenInfo | undefined {
    const row = this.db.prepare('SELECT * FROM tokens WHERE id = ?').get(id) as TokenRow | undefined;
    return row && toInfo(row);
  }

  list(opts: { userId?: string; includeRevoked?: boolean; limit: number }): TokenInfo[] {
    const rows = this.db
      .prepare(`SELECT * FROM tokens
                WHERE (@userId IS NULL OR user_id = @userId) AND (@includeRevoked = 1 OR revoked_at IS NULL)
                ORDER BY created_at DESC, id LIMIT @limit`)
      .all({ userId: opts.userId ?? null, includeRevoked: opts.includeRevoked ? 1 : 0, limit: opts.limit }) as TokenRow[];
    return rows.map(toInfo);
  }

  revoke(id: string, now = new Date()): TokenInfo | undefined {
    this.db.prepare('UPDATE tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?').run(now.toISOString(), id);
    return this.get(id);
  }

  /** Revokes the user's live tokens of this name but the one kept: a re-supplied operator token replaces its predecessor. */
  revokeNamedExcept(userId: string, name: string, keepId: string, now = new Date()): void {
    this.db
      .prepare('UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND name = ? AND id != ? AND revoked_at IS NULL')
      .run(now.toISOString(), userId, name, keepId);
  }
}
