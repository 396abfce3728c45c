import type { KubeConfig } from '@kubernetes/client-node';
import type { ExecResult } from '../../protocol/index.js';
import type { PortAddress } from '../driver.js';
import { PodPortForward } from './portforward.js';

/**
 * Port-forwards to ports other than Jupyter's (a debugger's), opened on first use and kept per
 * environment and port, like the Jupyter one: the backend then reaches `127.0.0.1:<local>`.
 */
export class PortForwards {
  private readonly forwards = new Map<string, PodPortForward>();

  constructor(private readonly kubeConfig: KubeConfig) {}

  async address(envId: string, namespace: string, pod: string, port: number): Promise<PortAddress> {
    const key = `${envId}:${port}`;
    let forward = this.forwards.get(key);
    if (!forward || forward.namespace !== namespace || forward.pod !== pod) {
      await forward?.close();
      forward = await PodPortForward.open(this.kubeConfig, namespace, pod, port);
      this.forwards.set(key, forward);
    }
    return { host: '127.0.0.1', port: Number(new URL(forward.origin).port) };
  }

  /** Closes the environment's forwards (on stop and remove). */
  async close(envId: string): Promise<void> {
    const mine = [...this.forwards].filter(([key]) => key.startsWith(`${envId}:`));
    for (const [key] of mine) this.forwards.delete(key);
    await Promise.all(mine.map(([, forward]) => forward.close()));
  }
}

/**
 * Whether a socket listens on `port` in the pod, read from the kernel's tables (`/proc/net/tcp`
 * and `tcp6`, state 0A), not by connecting: a probe connection would be the one client a
 * debugger serves. A port-forward's local end accepts before the pod is asked, so without this
 * "nothing listens yet" would look like a connection that closes at once.
 */
export async function podListens(exec: (command: string[]) => Promise<ExecResult>, port: number): Promise<boolean> {
  const result = await exec(['python3', '-c', LISTENS, String(port)]);
  return result.exitCode === 0;
}

/** Exits 0 when argv[1] is a listening TCP port (IPv4 or IPv6), 1 otherwise. */
const LISTENS = `
import sys
port = "%04X" % int(sys.argv[1])
for table in ("/proc/net/tcp", "/proc/net/tcp6"):
    try:
        rows = open(table).read().splitlines()[1:]
    except OSError:
        continue
    if any(r.split()[1].endswith(":" + port) and r.split()[3] == "0A" for r in rows):
        sys.exit(0)
sys.exit(1)
`;
