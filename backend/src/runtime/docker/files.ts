import type Docker from 'dockerode';
import { posix } from 'node:path';
import type { ExecResult } from '../../protocol/index.js';
import type { WorkspaceChange } from '../driver.js';
import { removeWorkspacePaths, sendWorkspaceArchive } from '../workspace-archive.js';
import { containerName, HOME } from './spec.js';

interface DockerFiles {
  docker: Docker;
  exec(envId: string, command: string[], timeoutMs: number): Promise<ExecResult>;
}

/**
 * The Docker driver's `writeWorkspace`: removals run as the environment's user (`rm -rf` inside
 * the container), files go in as one tar stream through the engine's archive API into the
 * workspace volume (allowed despite the read-only root file system, because the target is a volume).
 * Names in the archive are the protocol's checked relative paths under `work/<name>/`.
 */
export async function writeDockerWorkspace(driver: DockerFiles, envId: string, change: WorkspaceChange): Promise<{ root: string }> {
  const root = posix.join(HOME, 'work', change.name);
  await removeWorkspacePaths((command, timeoutMs) => driver.exec(envId, command, timeoutMs), root, change);
  await sendWorkspaceArchive(change, (archive) => driver.docker.getContainer(containerName(envId)).putArchive(archive, { path: HOME }) as Promise<unknown>);
  return { root };
}
