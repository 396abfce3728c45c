/**
 * A workspace change as the drivers that copy files into a container send it: `rm -rf` of the
 * removed paths (run as the environment's user), then one tar archive of the written files, named
 * `work/<name>/<path>` relative to the environment's home. Docker unpacks it through its archive
 * API, Kubernetes through `tar` in the pod.
 */
import { posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pack as tarPack, type Pack } from 'tar-stream';
import type { ExecResult } from '../protocol/index.js';
import { DriverError, type WorkspaceChange } from './driver.js';

/** The environment's user in the images: what a sync writes must stay its own. */
const UID = 1000;
const REMOVE_BATCH = 500;
const REMOVE_TIMEOUT_MS = 120_000;

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
 * Feeds the archive: explicit folder entries (so they are created owned by the user, and a symlink
 * in their place is replaced instead of followed), then each file streamed from the cache.
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

/** Removes `change.remove` under the workspace folder `root`, a batch of paths per command. */
export async function removeWorkspacePaths(exec: (command: string[], timeoutMs: number) => Promise<ExecResult>, root: string, change: WorkspaceChange): Promise<void> {
  for (let i = 0; i < change.remove.length; i += REMOVE_BATCH) {
    const paths = change.remove.slice(i, i + REMOVE_BATCH).map((p) => posix.join(root, p));
    const result = await exec(['rm', '-rf', '--', ...paths], REMOVE_TIMEOUT_MS);
    if (result.exitCode !== 0) throw new DriverError(`removing files from the workspace failed: ${result.stderr.trim() || `exit code ${result.exitCode}`}`);
  }
}

/**
 * Streams the archive of `change.write` into `send` (which unpacks it in the environment). Either
 * side failing stops the other: a blob that cannot be read ends the upload, a refused upload stops
 * the reading.
 */
export async function sendWorkspaceArchive(change: WorkspaceChange, send: (archive: NodeJS.ReadableStream) => Promise<unknown>): Promise<void> {
  const pack = tarPack();
  const filled = fill(pack, change).catch((err: unknown) => {
    pack.destroy(err as Error);
    throw err;
  });
  const sent = send(pack as unknown as NodeJS.ReadableStream);
  sent.catch(() => pack.destroy());
  const [fillResult, sendResult] = await Promise.allSettled([filled, sent]);
  if (fillResult.status === 'rejected') throw fillResult.reason;
  if (sendResult.status === 'rejected') throw sendResult.reason;
}
