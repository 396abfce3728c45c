import { z } from 'zod';
import { Job, type JobState } from '../protocol/index.js';
import type { Db } from './db.js';
import { newId } from './ids.js';

interface JobRow {
  id: string;
  owner_id: string;
  env_id: string;
  command: string;
  cwd: string | null;
  workspace_root: string | null;
  state: JobState;
  exit_code: number | null;
  reason: string | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  peak_memory_mib: number | null;
  log_lines: number;
}

/** A job as the service sees it: the API shape plus its owner. */
export interface JobRecord {
  job: Job;
  ownerId: string;
}

const Command = z.array(z.string());

function toRecord(r: JobRow): JobRecord {
  return {
    ownerId: r.owner_id,
    job: Job.parse({
      id: r.id,
      envId: r.env_id,
      command: Command.parse(JSON.parse(r.command)),
      cwd: r.cwd,
      state: r.state,
      exitCode: r.exit_code,
      reason: r.reason,
      createdAt: r.created_at,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      peakMemoryMiB: r.peak_memory_mib,
      logLines: r.log_lines,
      workspaceRoot: r.workspace_root,
    }),
  };
}

export interface JobPatch {
  state?: JobState;
  exitCode?: number | null;
  reason?: string | null;
  startedAt?: string | null;
  endedAt?: string | null;
  peakMemoryMiB?: number | null;
  logLines?: number;
}

const COLUMNS: Record<keyof JobPatch, string> = {
  state: 'state',
  exitCode: 'exit_code',
  reason: 'reason',
  startedAt: 'started_at',
  endedAt: 'ended_at',
  peakMemoryMiB: 'peak_memory_mib',
  logLines: 'log_lines',
};

export interface NewJob {
  ownerId: string;
  envId: string;
  command: string[];
  cwd: string | null;
  workspaceRoot: string | null;
}

export class JobStore {
  constructor(private readonly db: Db) {}

  create(input: NewJob): JobRecord {
    const row: JobRow = {
      id: newId('job'),
      owner_id: input.ownerId,
      env_id: input.envId,
      command: JSON.stringify(input.command),
      cwd: input.cwd,
      workspace_root: input.workspaceRoot,
      state: 'queued',
      exit_code: null,
      reason: null,
      created_at: new Date().toISOString(),
      started_at: null,
      ended_at: null,
      peak_memory_mib: null,
      log_lines: 0,
    };
    this.db
      .prepare(`INSERT INTO jobs (id, owner_id, env_id, command, cwd, workspace_root, state, exit_code, reason, created_at, started_at, ended_at, peak_memory_mib, log_lines)
                VALUES (@id, @owner_id, @env_id, @command, @cwd, @workspace_root, @state, @exit_code, @reason, @created_at, @started_at, @ended_at, @peak_memory_mib, @log_lines)`)
      .run(row);
    return toRecord(row);
  }

  get(id: string): JobRecord | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row && toRecord(row);
  }

  /** Newest first. */
  list(filter: { ownerId?: string; envId?: string; states?: JobState[]; limit?: number } = {}): JobRecord[] {
    const states = filter.states ? JSON.stringify(filter.states) : null;
    const rows = this.db
      .prepare(`SELECT * FROM jobs WHERE (@ownerId IS NULL OR owner_id = @ownerId) AND (@envId IS NULL OR env_id = @envId)
                AND (@states IS NULL OR state IN (SELECT value FROM json_each(@states)))
                ORDER BY created_at DESC, rowid DESC LIMIT @limit`)
      .all({ ownerId: filter.ownerId ?? null, envId: filter.envId ?? null, states, limit: filter.limit ?? -1 }) as JobRow[];
    return rows.map(toRecord);
  }

  update(id: string, patch: JobPatch): JobRecord | undefined {
    const sets: string[] = [];
    const values: Record<string, unknown> = { id };
    for (const [key, column] of Object.entries(COLUMNS) as [keyof JobPatch, string][]) {
      if (patch[key] === undefined) continue;
      sets.push(`${column} = @${column}`);
      values[column] = patch[key];
    }
    if (sets.length) this.db.prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = @id`).run(values);
    return this.get(id);
  }
}
