import type { KubeConfig } from '@kubernetes/client-node';
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
