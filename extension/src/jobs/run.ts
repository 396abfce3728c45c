import * as path from 'node:path';
import type { CreateJobBody, Job } from '../../../backend/src/protocol/index.js';

/**
 * The file's path inside its workspace folder, '/'-separated as the environment (POSIX, or Python on
 * Windows, which takes '/' too) reads it; undefined when the file is not inside the folder.
 */
export function scriptPath(folder: string, file: string, local: path.PlatformPath = path): string | undefined {
  const relative = local.relative(folder, file);
  if (!relative || relative.startsWith('..') || local.isAbsolute(relative)) return undefined;
  return relative.split(local.sep).join('/');
}

/** The job that runs a synced script: `python3 <path>` from the synced folder, which is also where tracebacks map back from. */
export function runScriptBody(envId: string, syncedRoot: string, script: string): CreateJobBody {
  return { envId, command: ['python3', script], cwd: syncedRoot, workspaceRoot: syncedRoot };
}

/** The same job again (after its files were synced again, when they came from this window). */
export function rerunBody(job: Job): CreateJobBody {
  return {
    envId: job.envId,
    command: job.command,
    ...(job.cwd ? { cwd: job.cwd } : {}),
    ...(job.workspaceRoot ? { workspaceRoot: job.workspaceRoot } : {}),
  };
}
