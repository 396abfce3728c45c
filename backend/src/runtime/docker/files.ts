import type Docker from 'dockerode';
import { posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pack as tarPack, type Pack } from 'tar-stream';
import type { ExecResult } from '../../protocol/index.js';
import { DriverError, type WorkspaceChange } from '../driver.js';
import { containerName, HOME } from './spec.js';

/** The environment's user (see containerSpec): what it writes must stay its own. */
const UID = 1000;
const REMOVE_BATCH = 500;
const REMOVE_TIMEOUT_MS = 120_000;

interface DockerFiles {
  docker: Docker;
  exec(envId: string, command: string[], timeoutMs: number): Promise<ExecResult>;
}

/** Every folder the files need, parents first, as archive names relative to HOME. */
export function folderEntries(name: string, paths: readonly string[]): string[] {
  const folders = new Set<string>(['work', `work/${name}`]);
  for (const path of paths) {
    const segments = path.split('/');
    for (let n = 1; n < segments.length; n++) folders.add(`work/${name}/${segments.slice(0, n).join('/')}`);
  }
  return [...folders].sort();
}

function addEntry(pack: Pack, header: Parameters<Pack['entry']>[0], content?: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const entry = pack.entry(header, (err) => (err ? reject(err) : resolve()));
    if (content) pipeline(content, entry).catch(reject);
  });
}

/**
 * Feeds the archive: explicit folder entries (so the engine creates them owned by the user, and
 * replaces a symlink in their place instead of following it), then each file streamed from the cache.
 */
async function fill(pack: Pack, change: WorkspaceChange): Promise<void> {
  const mtime = new Date();
  for (const folder of folderEntries(change.name, change.write.map((f) => f.path))) {
    await addEntry(pack, { name: `${folder}/`, type: 'directory', mode: 0o755, uid: UID, gid: UID, mtime });
  }
  for (const file of change.write) {
    const header = { name: `work/${change.name}/${file.path}`, type: 'file' as const, size: file.size, mode: file.executable ? 0o755 : 0o644, uid: UID, gid: UID, mtime };
    await addEntry(pack, header, await file.open());
  }
  pack.finalize();
}

/**
 * The Docker driver's `writeWorkspace`: removals run as the environment's user (`rm -rf` inside
 * the container), files go in as one tar stream through the engine's archive API into the
 * workspace volume (allowed despite the read-only root file system, because the target is a volume).
 * Names in the archive are the protocol's checked relative paths under `work/<name>/`.
 */
export async function writeDockerWorkspace(driver: DockerFiles, envId: string, change: WorkspaceChange): Promise<{ root: string }> {
  const root = posix.join(HOME, 'work', change.name);
  for (let i = 0; i < change.remove.length; i += REMOVE_BATCH) {
    const paths = change.remove.slice(i, i + REMOVE_BATCH).map((p) => posix.join(root, p));
    const result = await driver.exec(envId, ['rm', '-rf', '--', ...paths], REMOVE_TIMEOUT_MS);
    if (result.exitCode !== 0) throw new DriverError(`removing files from the workspace failed: ${result.stderr.trim() || `exit code ${result.exitCode}`}`);
  }
  const pack = tarPack();
  // Either side failing stops the other: a blob that cannot be read ends the upload, a refused upload stops the reading.
  const filled = fill(pack, change).catch((err: unknown) => {
    pack.destroy(err as Error);
    throw err;
  });
  const sent = driver.docker.getContainer(containerName(envId)).putArchive(pack as unknown as NodeJS.ReadableStream, { path: HOME }) as Promise<unknown>;
  sent.catch(() => pack.destroy());
  const [fillResult, sendResult] = await Promise.allSettled([filled, sent]);
  if (fillResult.status === 'rejected') throw fillResult.reason;
  if (sendResult.status === 'rejected') throw sendResult.reason;
  return { root };
}
