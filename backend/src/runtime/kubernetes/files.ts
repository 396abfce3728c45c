import type { KubeConfig } from '@kubernetes/client-node';
import { posix } from 'node:path';
import type { ExecResult } from '../../protocol/index.js';
import { DriverError, type WorkspaceChange } from '../driver.js';
import { removeWorkspacePaths, sendWorkspaceArchive } from '../workspace-archive.js';
import { CappedSink, execAttached } from './exec.js';
import { HOME } from './manifests.js';

/**
 * Unpacks a framed tar stream from stdin into argv[1] with `tar`: frames are a 4-byte big-endian
 * length and that many bytes, a zero length ends the archive (stdin itself stays open, see
 * `execAttached`); a stream cut short leaves tar killed and the exit code 1.
 */
const UNPACK = `
import subprocess, sys
tar = subprocess.Popen(["tar", "-x", "--no-same-owner", "-f", "-", "-C", sys.argv[1]], stdin=subprocess.PIPE)
src = sys.stdin.buffer
while True:
    head = src.read(4)
    size = int.from_bytes(head, "big") if len(head) == 4 else -1
    data = src.read(size) if size > 0 else b""
    if size < 0 or len(data) < size:
        tar.kill()
        sys.exit("the archive stream was cut off")
    if size == 0:
        break
    tar.stdin.write(data)
tar.stdin.close()
sys.exit(tar.wait())
`;

const frameHeader = (size: number): Buffer => {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(size);
  return head;
};

/**
 * The Kubernetes driver's `writeWorkspace`: removals with `rm -rf` through `pods/exec`, then the
 * same archive as Docker's, unpacked by `tar` in the pod (as the pod's user, onto the workspace
 * claim at HOME) from framed stdin.
 */
export async function writePodWorkspace(
  kubeConfig: KubeConfig,
  pod: { namespace: string; name: string },
  exec: (command: string[], timeoutMs: number) => Promise<ExecResult>,
  change: WorkspaceChange,
): Promise<{ root: string }> {
  const root = posix.join(HOME, 'work', change.name);
  await removeWorkspacePaths(exec, root, change);
  await sendWorkspaceArchive(change, async (archive) => {
    const stderr = new CappedSink(64 * 1024);
    const unpack = await execAttached(kubeConfig, pod.namespace, pod.name, ['python3', '-c', UNPACK, HOME], new CappedSink(0), stderr);
    try {
      for await (const chunk of archive as AsyncIterable<Buffer>) {
        unpack.stdin.write(Buffer.concat([frameHeader(chunk.length), chunk]));
        await unpack.drained();
      }
      unpack.stdin.write(frameHeader(0));
      const exitCode = await unpack.exited;
      if (exitCode !== 0) throw new DriverError(`writing files into the workspace failed: ${stderr.text().trim() || `exit code ${exitCode ?? 'unknown (the connection to the pod was lost)'}`}`);
    } finally {
      unpack.close();
    }
  });
  return { root };
}
