import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

/** The CPU and memory cgroup directories a run was placed in (one for v2, one per controller for v1). */
export const CgroupDirs = z.object({ version: z.union([z.literal(1), z.literal(2)]), cpu: z.string(), memory: z.string() });
export type CgroupDirs = z.infer<typeof CgroupDirs>;

/** What a running server needs to be found again by a restarted backend. */
export const RunState = z.object({
  pid: z.number().int().positive(),
  /** Start time of the process (Linux: /proc/<pid>/stat field 22), so a reused pid is not mistaken for ours. */
  processStart: z.string().nullable(),
  port: z.number().int().min(1).max(65535),
  token: z.string().min(1),
  baseUrl: z.string(),
  startedAt: z.iso.datetime(),
  limits: z.object({ cpus: z.number(), memoryMiB: z.number() }),
  cgroup: CgroupDirs.nullable(),
  /** The server's environment, which `exec` reuses. */
  env: z.record(z.string(), z.string()),
  /** Size of the log file when this run began: followers start here, so they see the start-up lines. */
  logOffset: z.number().int().min(0).optional(),
});
export type RunState = z.infer<typeof RunState>;

/**
 * `<root>/<envId>/state.json`, version 1. Present from `ensureImage` until `remove`; `run` is set
 * while a server was started and not stopped, `lastExit` after a stop.
 */
export const StateFile = z.object({
  version: z.literal(1),
  envId: z.string(),
  ownerId: z.string(),
  imageRef: z.string(),
  run: RunState.nullable(),
  lastExit: z.object({ at: z.iso.datetime(), exitCode: z.number().int().nullable(), oomKilled: z.boolean() }).nullable(),
});
export type StateFile = z.infer<typeof StateFile>;

export type StateRead = { ok: true; state: StateFile } | { ok: false; reason: string };

export function parseState(text: string): StateRead {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
  const parsed = StateFile.safeParse(json);
  return parsed.success ? { ok: true, state: parsed.data } : { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}

/** Undefined when there is no state file (no instance); a reason when there is one we cannot read. */
export function readState(file: string): StateRead | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { ok: false, reason: (err as Error).message };
  }
  return parseState(text);
}

/** Written to a temp file and renamed, so a crash never leaves half a file; owner-only, as it holds the token. */
export function writeState(file: string, state: StateFile): void {
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, JSON.stringify(StateFile.parse(state), null, 2) + '\n', { mode: 0o600 });
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}
