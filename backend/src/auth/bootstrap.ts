import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { User } from '../protocol/index.js';
import type { Store } from '../store/index.js';
import { checkSuppliedToken, hashToken } from './secrets.js';

/** Name of the token that MLWB_ADMIN_TOKEN provides; a new value replaces (revokes) the previous one. */
export const SUPPLIED_TOKEN_NAME = 'MLWB_ADMIN_TOKEN';
export const ADMIN_TOKEN_FILE = 'admin.token';

export interface BootstrapResult {
  admin: User;
  /** Set only on the very first start without MLWB_ADMIN_TOKEN: the secret to print once. */
  generatedToken?: string;
  tokenFile?: string;
}

export class BootstrapError extends Error {}

/**
 * Makes sure an admin exists and, when the operator supplies MLWB_ADMIN_TOKEN, that this exact token
 * works. A generated first token is written to `<dataDir>/admin.token` with mode 0600.
 */
export function bootstrapAdmin(store: Store, dataDir: string, suppliedToken?: string): BootstrapResult {
  if (suppliedToken !== undefined) {
    const problem = checkSuppliedToken(suppliedToken);
    if (problem) throw new BootstrapError(`MLWB_ADMIN_TOKEN ${problem}`);
  }
  return store.transaction(() => {
    let admin = store.users.firstAdmin();
    const firstStart = !admin;
    if (!admin) {
      admin = store.users.create('admin', 'admin');
      store.audit.append({ userId: null, action: 'user.create', target: admin.id, result: 'ok', status: 201, detail: 'first start: admin created' });
    }
    if (suppliedToken !== undefined) {
      ensureSuppliedToken(store, admin, suppliedToken);
      return { admin };
    }
    if (!firstStart) return { admin };
    const created = store.tokens.create({ userId: admin.id, name: 'initial admin token' });
    const tokenFile = join(dataDir, ADMIN_TOKEN_FILE);
    writeFileSync(tokenFile, created.token, { mode: 0o600 });
    chmodSync(tokenFile, 0o600); // an existing file keeps its mode on write: set it explicitly
    return { admin, generatedToken: created.token, tokenFile };
  });
}

function ensureSuppliedToken(store: Store, admin: User, secret: string): void {
  const live = store.tokens.findActive(secret);
  if (live) {
    if (live.userId !== admin.id) throw new BootstrapError('MLWB_ADMIN_TOKEN belongs to another user');
    return;
  }
  const row = store.db.prepare('SELECT revoked_at FROM tokens WHERE hash = ?').get(hashToken(secret)) as { revoked_at: string | null } | undefined;
  if (row) throw new BootstrapError('MLWB_ADMIN_TOKEN was revoked or has expired; set a new value');
  const created = store.tokens.create({ userId: admin.id, name: SUPPLIED_TOKEN_NAME, secret });
  store.tokens.revokeNamedExcept(admin.id, SUPPLIED_TOKEN_NAME, created.id);
  store.audit.append({ userId: null, action: 'token.create', target: created.id, result: 'ok', status: 201, detail: 'from MLWB_ADMIN_TOKEN' });
}
