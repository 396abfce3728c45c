import { Environment, EnvironmentSpec, type EnvironmentState, type Resources } from '../protocol/index.js';
import type { Db } from './db.js';
import { newId, randomBase62 } from './ids.js';

/** What is stored of a spec: the request with the image's defaults filled in. */
export interface StoredSpec {
  spec: EnvironmentSpec;
  resources: Resources;
}

interface EnvRow {
  id: string;
  owner_id: string;
  name: string;
  spec: string;
  state: EnvironmentState;
  reason: string | null;
  driver: Environment['driver'];
  image_ref: string | null;
  jupyter_token: string;
  limits_enforced: number;
  queued_at: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  last_activity_at: string | null;
}

/** An environment as the service sees it: the API shape plus what stays inside the backend. */
export interface EnvRecord {
  env: Environment;
  jupyterToken: string;
  queuedAt: string | null;
}

function toRecord(r: EnvRow): EnvRecord {
  const stored = JSON.parse(r.spec) as StoredSpec;
  const spec = EnvironmentSpec.parse(stored.spec);
  return {
    jupyterToken: r.jupyter_token,
    queuedAt: r.queued_at,
    env: Environment.parse({
      id: r.id,
      ownerId: r.owner_id,
      name: r.name,
      image: spec.image,
      packages: spec.packages,
      resources: stored.resources,
      env: spec.env,
      idleTimeoutMinutes: spec.idleTimeoutMinutes,
      priority: spec.priority,
      state: r.state,
      reason: r.reason,
      queuePosition: null,
      driver: r.driver,
      imageRef: r.image_ref,
      limitsEnforced: r.limits_enforced === 1,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      startedAt: r.started_at,
      lastActivityAt: r.last_activity_at,
    }),
  };
}

export interface EnvPatch {
  state?: EnvironmentState;
  reason?: string | null;
  imageRef?: string | null;
  queuedAt?: string | null;
  startedAt?: string | null;
  lastActivityAt?: string | null;
  limitsEnforced?: boolean;
}

const COLUMNS: Record<keyof EnvPatch, string> = {
  state: 'state',
  reason: 'reason',
  imageRef: 'image_ref',
  queuedAt: 'queued_at',
  startedAt: 'started_at',
  lastActivityAt: 'last_activity_at',
  limitsEnforced: 'limits_enforced',
};

export class EnvironmentStore {
  constructor(private readonly db: Db) {}

  create(ownerId: string, stored: StoredSpec, driver: Environment['driver'], limitsEnforced: boolean): EnvRecord {
    const now = new Date().toISOString();
    const row: EnvRow = {
      id: newId('env'),
      owner_id: ownerId,
      name: stored.spec.name,
      spec: JSON.stringify(stored),
      state: 'stopped',
      reason: null,
      driver,
      image_ref: null,
      jupyter_token: randomBase62(40),
      limits_enforced: limitsEnforced ? 1 : 0,
      queued_at: null,
      created_at: now,
      updated_at: now,
      started_at: null,
      last_activity_at: null,
    };
    this.db
      .prepare(`INSERT INTO environments (id, owner_id, name, spec, state, reason, driver, image_ref, jupyter_token, limits_enforced,
                  queued_at, created_at, updated_at, started_at, last_activity_at)
                VALUES (@id, @owner_id, @name, @spec, @state, @reason, @driver, @image_ref, @jupyter_token, @limits_enforced,
                  @queued_at, @created_at, @updated_at, @started_at, @last_activity_at)`)
      .run(row);
    return toRecord(row);
  }

  get(id: string): EnvRecord | undefined {
    const row = this.db.prepare('SELECT * FROM environments WHERE id = ?').get(id) as EnvRow | undefined;
    return row && toRecord(row);
  }

  byName(ownerId: string, name: string): EnvRecord | undefined {
    const row = this.db.prepare('SELECT * FROM environments WHERE owner_id = ? AND name = ?').get(ownerId, name) as EnvRow | undefined;
    return row && toRecord(row);
  }

  list(filter: { ownerId?: string; state?: EnvironmentState; limit?: number } = {}): EnvRecord[] {
    const rows = this.db
      .prepare(`SELECT * FROM environments WHERE (@ownerId IS NULL OR owner_id = @ownerId) AND (@state IS NULL OR state = @state)
                ORDER BY created_at, id LIMIT @limit`)
      .all({ ownerId: filter.ownerId ?? null, state: filter.state ?? null, limit: filter.limit ?? -1 }) as EnvRow[];
    return rows.map(toRecord);
  }

  update(id: string, patch: EnvPatch): EnvRecord | undefined {
    const sets: string[] = ['updated_at = @updated_at'];
    const values: Record<string, unknown> = { id, updated_at: new Date().toISOString() };
    for (const [key, column] of Object.entries(COLUMNS) as [keyof EnvPatch, string][]) {
      if (patch[key] === undefined) continue;
      sets.push(`${column} = @${column}`);
      values[column] = typeof patch[key] === 'boolean' ? (patch[key] ? 1 : 0) : patch[key];
    }
    this.db.prepare(`UPDATE environments SET ${sets.join(', ')} WHERE id = @id`).run(values);
    return this.get(id);
  }

  updateSpec(id: string, stored: StoredSpec): void {
    this.db.prepare('UPDATE environments SET spec = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(stored), new Date().toISOString(), id);
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM environments WHERE id = ?').run(id);
  }
}
