/**
 * Versioned schema migrations, applied in order at start inside one transaction each.
 * Never edit a released migration: add the next one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'users, tokens, audit',
    sql: `
      CREATE TABLE users (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role        TEXT NOT NULL CHECK (role IN ('admin', 'user')),
        created_at  TEXT NOT NULL
      );
      CREATE TABLE tokens (
        id            TEXT PRIMARY KEY,
        user_id       TEXT NOT NULL REFERENCES users(id),
        name          TEXT NOT NULL,
        hash          TEXT NOT NULL UNIQUE,
        prefix        TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        expires_at    TEXT,
        last_used_at  TEXT,
        revoked_at    TEXT
      );
      CREATE INDEX tokens_user ON tokens(user_id);
      CREATE TABLE audit (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        at          TEXT NOT NULL,
        user_id     TEXT,
        action      TEXT NOT NULL,
        target      TEXT,
        result      TEXT NOT NULL CHECK (result IN ('ok', 'denied', 'failed')),
        status      INTEGER NOT NULL,
        detail      TEXT
      );
      CREATE INDEX audit_user ON audit(user_id, id);
      -- The audit log is append-only: the store refuses to change or remove an entry.
      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    `,
  },
  {
    version: 2,
    name: 'environments',
    sql: `
      CREATE TABLE environments (
        id                 TEXT PRIMARY KEY,
        owner_id           TEXT NOT NULL REFERENCES users(id),
        name               TEXT NOT NULL,
        spec               TEXT NOT NULL,
        state              TEXT NOT NULL,
        reason             TEXT,
        driver             TEXT NOT NULL,
        image_ref          TEXT,
        jupyter_token      TEXT NOT NULL,
        limits_enforced    INTEGER NOT NULL DEFAULT 1,
        queued_at          TEXT,
        created_at         TEXT NOT NULL,
        updated_at         TEXT NOT NULL,
        started_at         TEXT,
        last_activity_at   TEXT,
        UNIQUE (owner_id, name)
      );
      CREATE INDEX environments_state ON environments(state);
    `,
  },
  {
    version: 3,
    name: 'datasets',
    sql: `
      CREATE TABLE datasets (
        id          TEXT PRIMARY KEY,
        owner_id    TEXT NOT NULL REFERENCES users(id),
        name        TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        UNIQUE (owner_id, name)
      );
      -- A version is never rewritten; deleting one sets deleted_at and its objects may then be collected.
      CREATE TABLE dataset_versions (
        id            TEXT PRIMARY KEY,
        dataset_id    TEXT NOT NULL REFERENCES datasets(id),
        number        INTEGER NOT NULL,
        parent_number INTEGER,
        content_hash  TEXT NOT NULL,
        kind          TEXT NOT NULL CHECK (kind IN ('file', 'folder')),
        files         TEXT NOT NULL,
        file_count    INTEGER NOT NULL,
        total_size    INTEGER NOT NULL,
        format        TEXT NOT NULL,
        profile       TEXT,
        creator_id    TEXT NOT NULL REFERENCES users(id),
        created_at    TEXT NOT NULL,
        message       TEXT NOT NULL,
        step          TEXT NOT NULL,
        deleted_at    TEXT,
        UNIQUE (dataset_id, number)
      );
      CREATE INDEX dataset_versions_content ON dataset_versions(content_hash);
      -- Resumable uploads: the bytes live in <dataDir>/uploads/<id>; committed_offset is what is fsynced there.
      CREATE TABLE dataset_uploads (
        id                TEXT PRIMARY KEY,
        owner_id          TEXT NOT NULL REFERENCES users(id),
        file_name         TEXT NOT NULL,
        kind              TEXT NOT NULL CHECK (kind IN ('file', 'tar')),
        size              INTEGER NOT NULL,
        committed_offset  INTEGER NOT NULL,
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'jobs',
    sql: `
      -- No foreign key to environments: a job and its log outlive the environment's deletion.
      -- The job's extra variables are not stored (they may hold secrets and are needed only to start it).
      CREATE TABLE jobs (
        id               TEXT PRIMARY KEY,
        owner_id         TEXT NOT NULL REFERENCES users(id),
        env_id           TEXT NOT NULL,
        command          TEXT NOT NULL,
        cwd              TEXT,
        workspace_root   TEXT,
        state            TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        exit_code        INTEGER,
        reason           TEXT,
        created_at       TEXT NOT NULL,
        started_at       TEXT,
        ended_at         TEXT,
        peak_memory_mib  REAL,
        log_lines        INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX jobs_owner ON jobs(owner_id, created_at);
      CREATE INDEX jobs_env ON jobs(env_id, created_at);
      CREATE INDEX jobs_state ON jobs(state);
    `,
  },
];
